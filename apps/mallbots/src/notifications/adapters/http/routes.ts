import { mapPage } from '@tessera/platform/ddd';
import { type HttpServer, pageAnswer, restRoutes } from '@tessera/platform/http';
import { operators } from '@tessera/platform/identity';
import { customersRoles } from '../../../customers/contract/roles.js';
import type { Notifications } from '../../application/notifications.js';
import type { FakeSmsProvider } from '../sms/fake-sms-provider.js';
import {
  adminTags,
  customerParams,
  deliveriesPage,
  deliveriesQuery,
  deliveriesResponse,
  historyPage,
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
  restRoutes(http, { tags, problems }).get(
    '/api/notifications/customers/:customerId',
    'getCustomerNotifications',
    {
      audience: { roles: [customersRoles.customer], owner: async (request) => request.params.customerId },
      summary:
        "A customer's notifications, newest first, a page at a time (empty for a customer never notified)",
      params: customerParams,
      querystring: historyQuery,
      ok: historyResponse,
      handler: async ({ params, query }) =>
        pageAnswer(
          'notifications',
          mapPage(await notifications.historyOf(params, historyPage(query)), toNotificationDto),
        ),
    },
  );
}

/** What the fake SMS provider delivered, for operators and tests (there is no phone to look at). */
export function registerFakeSmsAdminRoutes(http: HttpServer, provider: FakeSmsProvider) {
  restRoutes(http, { tags: adminTags, problems }).get('/admin/notifications/sms', 'listFakeSmsDeliveries', {
    audience: operators,
    summary:
      'SMS messages the fake provider delivered, newest first, once per idempotency key, a page at a time',
    querystring: deliveriesQuery,
    ok: deliveriesResponse,
    handler: async ({ query }) => {
      const filter = query.to === undefined ? {} : { to: query.to };
      return pageAnswer(
        'deliveries',
        mapPage(await provider.deliveries(filter, deliveriesPage(query)), toDeliveryDto),
      );
    },
  });
}
