import { localCopy, type SqlClient } from '@tessera/platform/sql';
import type { Recipient } from '../../domain/notification.js';

/**
 * Notifications' copy of Customers' data (`notifications.customers_cache`): a name and an SMS number, looked up
 * through when notifying, kept by the Customers event handlers. Every value kept arrives absolute, so every
 * write is idempotent.
 */
export function postgresCustomersCache(db: Pick<SqlClient, 'query' | 'transaction'>) {
  return localCopy<Recipient>(db, {
    table: 'notifications.customers_cache',
    columns: { name: 'name', smsNumber: 'sms_number' },
    changes: 'notifications.cache_changes',
  });
}
