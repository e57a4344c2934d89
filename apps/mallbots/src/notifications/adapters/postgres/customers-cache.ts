import { cacheFence, handledCacheEvent, type Queryable, type SqlClient } from '@tessera/platform/sql';
import type { CustomersCache } from '../../application/ports.js';
import type { Recipient } from '../../domain/notification.js';

const CHANGES = 'notifications.cache_changes';

/** The read side, used when notifying: finds, and remembers what Customers answered on a miss. */
export function postgresCustomersCache(db: Pick<SqlClient, 'query' | 'transaction'>): CustomersCache {
  const fence = cacheFence(db, CHANGES);
  return {
    async find(id) {
      const { rows } = await db.query<Recipient>(
        'SELECT id, name, sms_number AS "smsNumber" FROM notifications.customers_cache WHERE id = $1',
        [id],
      );
      return rows[0];
    },

    now: fence.now,

    remember: (customer, since) =>
      fence.remember(customer.id, since, () =>
        db.query(
          `INSERT INTO notifications.customers_cache (id, name, sms_number) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO NOTHING`,
          [customer.id, customer.name, customer.smsNumber],
        ),
      ),
  };
}

/**
 * The write side, used by the Customers event handlers (inside the broker's transaction). Every value kept
 * arrives absolute, so every write is idempotent. A registration never overwrites a row: one there already
 * came from Customers after that event (a fetch), or is that event again. A handler first records that an
 * event about the customer was handled, for `remember` to see.
 */
export function postgresCustomersCacheUpdates(db: Queryable) {
  const handling = (id: string) => handledCacheEvent(db, CHANGES, id);

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
