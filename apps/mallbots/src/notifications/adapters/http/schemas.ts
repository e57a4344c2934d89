import { nextPage, pageQuery, pageRequest } from '@tessera/platform/http';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import type { NotificationView } from '../../application/ports.js';
import { KINDS, STATUSES } from '../../domain/notification.js';
import type { FakeSmsDelivery } from '../sms/fake-sms-provider.js';

export const tags = ['notifications'];
export const adminTags = ['admin'];

/** Ids are UUIDs; lower-cased so that one customer is one history whatever case the client sends. */
export const customerParams = z.object({ customerId: z.uuid().toLowerCase() });
export const historyQuery = z.strictObject(pageQuery);
/** A history is listed newest first: a page's key is [created at, id]. */
export const historyPage = (query: z.output<typeof historyQuery>) =>
  pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));

export const deliveriesQuery = z.strictObject({
  to: z
    .string()
    .trim()
    .max(32)
    .regex(/^\+?[\d\s-]{7,}$/, 'must be an SMS number (an optional +, then digits)')
    .optional()
    .describe(
      'Only the deliveries to this number, compared by its digits (a + sent unencoded reads as a space: fine)',
    ),
  ...pageQuery,
});
/** Deliveries are listed newest first: a page's key is [delivered at, idempotency key]. */
export const deliveriesPage = (query: z.output<typeof deliveriesQuery>) =>
  pageRequest(query, 2, ([at]) => isTimestampKey(at!));

const notificationSchema = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    kind: z.enum(KINDS),
    status: z
      .enum(STATUSES)
      .describe(
        'queued: to be sent (or retried); sent; failed: every attempt failed; skipped: nowhere to send',
      ),
    to: z.string().optional().describe('The SMS number it is sent to (absent when skipped)'),
    text: z.string(),
    skipReason: z.enum(['no_sms_number', 'customer_unknown']).optional(),
    attempts: z.number().int(),
    failure: z.string().optional().describe("The last attempt's failure, while retried or once failed"),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'Notification' });

export const historyResponse = z.object({ notifications: z.array(notificationSchema), next: nextPage });

export const deliveriesResponse = z.object({
  deliveries: z.array(
    z
      .object({
        idempotencyKey: z.string().describe("The notification's id"),
        to: z.string(),
        text: z.string(),
        deliveredAt: z.iso.datetime(),
      })
      .meta({ id: 'FakeSmsDelivery' }),
  ),
  next: nextPage,
});

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toNotificationDto = (view: NotificationView) => ({
  id: view.id,
  orderId: view.orderId,
  kind: view.kind,
  status: view.status,
  ...(view.to === undefined ? {} : { to: view.to }),
  text: view.text,
  ...(view.skipReason === undefined ? {} : { skipReason: view.skipReason }),
  attempts: view.attempts,
  ...(view.failure === undefined ? {} : { failure: view.failure }),
  createdAt: view.createdAt.toISOString(),
  ...(view.sentAt === undefined ? {} : { sentAt: view.sentAt.toISOString() }),
});

export const toDeliveryDto = (delivery: FakeSmsDelivery) => ({
  idempotencyKey: delivery.idempotencyKey,
  to: delivery.to,
  text: delivery.text,
  deliveredAt: delivery.deliveredAt.toISOString(),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = { badRequest: 'The request is invalid: `errors` names each field' };
