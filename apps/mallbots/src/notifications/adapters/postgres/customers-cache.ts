import { lockKey, type Queryable, type SqlClient } from '@tessera/platform/sql';
import type { CustomersCache } from '../../application/ports.js';
import type { Recipient } from '../../domain/notification.js';

// `lockKey(db, id)` serialises, per customer, the event handlers and the remembering of a fetched value until
// the transaction ends: whichever comes second sees what the first did (as Depot's caches).

/** The read side, used when notifying: finds, and remembers what Customers answered on a miss. */
export function postgresCustomersCache(db: Pick<SqlClient, 'query' | 'transaction'>): CustomersCache {
  return {
    async find(id) {
      const { rows } = await db.query<Recipient>(
        'SELECT id, name, sms_number AS "smsNumber" FROM notifications.customers_cache WHERE id = $1',
        [id],
      );
      return rows[0];
    },

    async now() {
      const { rows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      return rows[0]!.now;
    },

    remember: (customer, since) =>
      db.transaction(async () => {
        await lockKey(db, customer.id);
        await db.query(
          `INSERT INTO notifications.customers_cache (id, name, sms_number)
           SELECT $1, $2, $3
            WHERE NOT EXISTS (SELECT 1 FROM notifications.cache_changes WHERE id = $1 AND handled_at >= $4)
           ON CONFLICT (id) DO NOTHING`,
          [customer.id, customer.name, customer.smsNumber, since],
        );
      }),
  };
}

/**
 * The write side, used by the Customers event handlers (inside the broker's transaction). Every value kept
 * arrives absolute, so every write is idempotent. A registration never overwrites a row: one there already
 * came from Customers after that event (a fetch), or is that event again. A handler first records that an
 * event about the customer was handled, for `remember` to see.
 */
export function postgresCustomersCacheUpdates(db: Queryable) {
  const handling = async (id: string) => {
    await lockKey(db, id);
    await db.query(
      `INSERT INTO notifications.cache_changes (id, handled_at) VALUES ($1, clock_timestamp())
       ON CONFLICT (id) DO UPDATE SET handled_at = EXCLUDED.handled_at`,
      [id],
    );
  };

  return {
    async customerRegistered(customer: Recipient) {
      await handling(customer.id);
      await db.query(
        `INSERT INTO notifications.customers_cache (id, name, sms_number) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO NOTHING`,
        [customer.id, customer.name, customer.smsNumber],
      );
    },

    async smsNumberChanged(customer: { id: string; smsNumber: string }) {
      await handling(customer.id);
      // No row: the registration was missed (the cache started later); the next miss fetches the new number.
      await db.query(
        'UPDATE notifications.customers_cache SET sms_number = $2, updated_at = now() WHERE id = $1',
        [customer.id, customer.smsNumber],
      );
    },
  };
}

export type CustomersCacheUpdates = ReturnType<typeof postgresCustomersCacheUpdates>;
