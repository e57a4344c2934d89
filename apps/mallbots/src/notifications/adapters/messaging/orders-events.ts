import { derivedId, type Envelope, type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import { ORDER_CHANNEL, orderingMessages } from '../../../ordering/contract/integration-events.js';
import type { Notifications } from '../../application/notifications.js';

export const NOTIFICATIONS_ORDERS_GROUP = 'notifications-orders';

/** The notification a message causes: one per message, so its id derives from the message's (index 0). */
export const notificationIdOf = (message: Envelope) => derivedId(message.id, 0);

/**
 * The Order messages customers hear about (spec §3.7, N2): created, ready (with the total to pay) and
 * canceled. Completed is subscribed to by the reference but not handled; here it is dropped like the other
 * types (the customer is at the depot paying). The notification is recorded in the broker's transaction, so a
 * message handled twice (a retry, a redelivery the inbox let through) records and sends it once.
 */
export function ordersGroup(notifications: Notifications): GroupSubscription {
  return {
    group: NOTIFICATIONS_ORDERS_GROUP,
    subject: ORDER_CHANNEL,
    handle: onMessages(orderingMessages, {
      'ordersapi.OrderCreated': ({ id, customerId }, message) =>
        notifications.notify({
          id: notificationIdOf(message),
          customerId,
          news: { kind: 'order_created', orderId: id },
        }),
      'ordersapi.OrderReadied': ({ id, customerId, totalCents, unavailableItems }, message) =>
        notifications.notify({
          id: notificationIdOf(message),
          customerId,
          news: { kind: 'order_ready', orderId: id, totalCents, unavailableItems: unavailableItems.length },
        }),
      'ordersapi.OrderCanceled': ({ id, customerId, canceledBy, reason }, message) =>
        notifications.notify({
          id: notificationIdOf(message),
          customerId,
          news: {
            kind: 'order_canceled',
            orderId: id,
            canceledBy,
            ...(reason === undefined ? {} : { reason }),
          },
        }),
    }),
  };
}
