import type { HttpServer } from '@tessera/platform/http';
import type { Notifications } from '../../application/notifications.js';
import type { FakeSmsProvider } from '../sms/fake-sms-provider.js';
import {
  adminTags,
  customerParams,
  deliveriesQuery,
  deliveriesResponse,
  historyQuery,
  historyResponse,
  problems,
  tags,
  toDeliveryDto,
  toNotificationDto,
} from './schemas.js';

/** The customer's notification history under /api/notifications (the spec has no REST here; added). */
export function registerNotificationsRoutes(
  http: HttpServer,
  { notifications }: { notifications: Notifications },
) {
  http.get(
    '/api/notifications/customers/:customerId',
    {
      schema: {
        tags,
        operationId: 'getCustomerNotifications',
        summary: "A customer's notifications, newest first (empty for a customer never notified)",
        params: customerParams,
        querystring: historyQuery,
        response: { 200: historyResponse, 400: problems.badRequest },
      },
    },
    async (request) => ({
      notifications: (
        await notifications.historyOf({ customerId: request.params.customerId, limit: request.query.limit })
      ).map(toNotificationDto),
    }),
  );
}

/**
 * What the fake SMS provider delivered, for operators and tests (there is no phone to look at). NO
 * AUTHENTICATION, as every /admin route: keep the port private.
 */
export function registerFakeSmsAdminRoutes(http: HttpServer, provider: FakeSmsProvider) {
  http.get(
    '/admin/notifications/sms',
    {
      schema: {
        tags: adminTags,
        operationId: 'listFakeSmsDeliveries',
        summary: 'SMS messages the fake provider delivered, newest first, once per idempotency key',
        querystring: deliveriesQuery,
        response: { 200: deliveriesResponse, 400: problems.badRequest },
      },
    },
    async (request) => ({
      deliveries: (
        await provider.deliveries({
          limit: request.query.limit,
          ...(request.query.to === undefined ? {} : { to: request.query.to }),
        })
      ).map(toDeliveryDto),
    }),
  );
}
