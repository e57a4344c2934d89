import {
  type Broker,
  type Envelope,
  observedHandler,
  onMessages,
  type Subscribed,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import { CUSTOMER_CHANNEL, customersMessages } from '../../../customers/contract/integration-events.js';
import { postgresCustomersCache } from '../postgres/customers-cache.js';

/** Told, once its transaction has committed, of each Customers message handled (applied or dropped). */
export type MessageObserver = (message: Envelope) => void;

export const NOTIFICATIONS_CUSTOMERS_GROUP = 'notifications-customers';

/**
 * The Customers messages that keep the cache (spec §3.7, N1), in the cache's terms: a name and an SMS number.
 * Enabling and disabling are not Notifications' business: dropped unread. Handlers run in the broker's
 * transaction, whose inbox already skips a message id seen before.
 */
export async function subscribeToCustomers(
  broker: Broker,
  db: SqlClient,
  observer?: MessageObserver,
): Promise<Subscribed> {
  const cache = postgresCustomersCache(db);
  return broker.subscribe({
    group: NOTIFICATIONS_CUSTOMERS_GROUP,
    subjects: [CUSTOMER_CHANNEL],
    handle: observedHandler(
      db,
      onMessages(customersMessages, {
        'customersapi.CustomerRegistered': ({ id, name, smsNumber }) =>
          cache.created({ id, name, smsNumber }),
        'customersapi.CustomerSmsChanged': ({ id, smsNumber }) => cache.changed(id, { smsNumber }),
      }),
      observer,
    ),
  });
}
