import { mapPage, type Page, type PageRequest, pageOf } from '@tessera/platform/ddd';
import { type Queryable, timestampKey } from '@tessera/platform/sql';
import type { SmsSender } from '../../application/ports.js';

export interface FakeSmsDelivery {
  readonly idempotencyKey: string;
  readonly to: string;
  readonly text: string;
  readonly deliveredAt: Date;
}

/** Digits only: how numbers are compared, whatever spaces, dashes or `+` the asker wrote. */
export const digitsOf = (number: string) => number.replace(/\D/g, '');

/**
 * The only SMS provider for now: it "delivers" by recording the message in `notifications.fake_sms_deliveries`,
 * once per idempotency key, as a real provider honouring idempotency keys would. Called outside any
 * transaction, as a remote provider would be: what it recorded stays, whatever happens to the caller next.
 */
export function fakeSmsProvider(db: Queryable): SmsSender & {
  /** A page of the deliveries (to one number, if asked), newest first: the key is [delivered at, key]. */
  deliveries(filter: { to?: string }, page: PageRequest): Promise<Page<FakeSmsDelivery>>;
} {
  return {
    async send({ idempotencyKey, to, text }) {
      await db.query(
        `INSERT INTO notifications.fake_sms_deliveries (idempotency_key, to_number, body) VALUES ($1, $2, $3)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [idempotencyKey, to, text],
      );
    },

    async deliveries({ to }, { limit, after }) {
      const { rows } = await db.query<{
        idempotency_key: string;
        to_number: string;
        body: string;
        delivered_at: Date;
        key_at: string;
      }>(
        `SELECT idempotency_key, to_number, body, delivered_at, ${timestampKey('delivered_at')} AS key_at
           FROM notifications.fake_sms_deliveries
          WHERE ($1::text IS NULL OR regexp_replace(to_number, '\\D', '', 'g') = $1)
            AND ($2::timestamptz IS NULL OR (delivered_at, idempotency_key) < ($2, $3::text))
          ORDER BY delivered_at DESC, idempotency_key DESC LIMIT $4`,
        [to === undefined ? null : digitsOf(to), after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.key_at, row.idempotency_key]),
        (row) => ({
          idempotencyKey: row.idempotency_key,
          to: row.to_number,
          text: row.body,
          deliveredAt: new Date(row.delivered_at),
        }),
      );
    },
  };
}

export type FakeSmsProvider = ReturnType<typeof fakeSmsProvider>;
