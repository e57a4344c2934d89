import { mapPage, pageOf } from '@tessera/platform/ddd';
import { traceHeadersOf } from '@tessera/platform/observability';
import { type SqlClient, timestampKey } from '@tessera/platform/sql';
import type { NotificationHistory, NotificationView } from '../../application/ports.js';
import type { Kind, SkipReason, Status } from '../../domain/notification.js';

/** The NOTIFY channel that wakes the dispatchers (of every process) when a queued notification commits. */
export const SMS_QUEUED_CHANNEL = 'notifications_sms_queued';

interface Row {
  id: string;
  customer_id: string;
  order_id: string;
  kind: Kind;
  status: Status;
  sms_number: string | null;
  body: string;
  skip_reason: SkipReason | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const toView = (row: Row): NotificationView => ({
  id: row.id,
  customerId: row.customer_id,
  orderId: row.order_id,
  kind: row.kind,
  status: row.status,
  ...(row.sms_number === null ? {} : { to: row.sms_number }),
  text: row.body,
  ...(row.skip_reason === null ? {} : { skipReason: row.skip_reason }),
  attempts: row.attempts,
  ...(row.last_error === null ? {} : { failure: row.last_error }),
  createdAt: new Date(row.created_at),
  ...(row.sent_at === null ? {} : { sentAt: new Date(row.sent_at) }),
});

/** `notifications.notifications`: the history, and the queue the dispatcher sends from. */
export function postgresNotificationHistory(db: Pick<SqlClient, 'query' | 'notify'>): NotificationHistory {
  return {
    async record(notification) {
      const status: Status = notification.to === undefined ? 'skipped' : 'queued';
      // The sending joins the trace of the handling that queued it (the baggage is the caller's: not kept).
      const { traceparent, tracestate } = traceHeadersOf();
      const { rowCount } = await db.query(
        `INSERT INTO notifications.notifications
                (id, customer_id, order_id, kind, status, sms_number, body, skip_reason, traceparent, tracestate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO NOTHING`,
        [
          notification.id,
          notification.customerId,
          notification.orderId,
          notification.kind,
          status,
          notification.to ?? null,
          notification.text,
          notification.skipped ?? null,
          traceparent ?? null,
          tracestate ?? null,
        ],
      );
      // Delivered on commit, and only then: the dispatcher never looks for a row it could not see yet.
      if (rowCount > 0 && status === 'queued') await db.notify(SMS_QUEUED_CHANNEL);
      return rowCount > 0;
    },

    async ofCustomer(customerId, { limit, after }) {
      const { rows } = await db.query<Row & { key_at: string }>(
        `SELECT id, customer_id, order_id, kind, status, sms_number, body, skip_reason, attempts, last_error,
                created_at, sent_at, ${timestampKey('created_at')} AS key_at
           FROM notifications.notifications
          WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $4`,
        [customerId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.key_at, row.id]),
        toView,
      );
    },
  };
}
