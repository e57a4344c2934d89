import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import { CUSTOMER_CHANNEL, customersMessages } from '../../../customers/contract/integration-events.js';
import { postgresCustomersCache } from '../postgres/customers-cache.js';

export const NOTIFICATIONS_CUSTOMERS_GROUP = 'notifications-customers';

/**
 * The Customers messages that keep the cache (spec §3.7, N1), in the cache's terms: a name and an SMS number.
 * Enabling and disabling are not Notifications' business: dropped unread. Handlers run in the broker's
 * transaction, whose inbox already skips a message id seen before.
 */
export function customersGroup(db: SqlClient): GroupSubscription {
  const cache = postgresCustomersCache(db);
  return {
    group: NOTIFICATIONS_CUSTOMERS_GROUP,
    subject: CUSTOMER_CHANNEL,
    handle: onMessages(customersMessages, {
      'customersapi.CustomerRegistered': ({ id, name, smsNumber }) => cache.created({ id, name, smsNumber }),
      'customersapi.CustomerSmsChanged': ({ id, smsNumber }) => cache.changed(id, { smsNumber }),
    }),
  };
}
