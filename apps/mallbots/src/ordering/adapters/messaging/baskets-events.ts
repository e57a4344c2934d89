import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import { BASKET_CHANNEL, basketsMessages } from '../../../baskets/contract/integration-events.js';
import type { OrderingCommands } from '../../application/commands.js';

/** The consumer group that turns checked-out baskets into orders (spec §6.4). */
export const ORDERING_BASKETS_GROUP = 'ordering-baskets';

/**
 * A checked-out basket becomes a pending order with the basket's id (spec §5.4): a checkout delivered again,
 * even under another message id, finds the order made and records nothing. Other Baskets messages are dropped.
 * The handler runs in the broker's transaction (its appends and outgoing messages join it), whose inbox
 * already skips a message id seen before.
 */
export function basketsGroup(commands: Pick<OrderingCommands, 'createOrder'>): GroupSubscription {
  return {
    group: ORDERING_BASKETS_GROUP,
    subject: BASKET_CHANNEL,
    handle: onMessages(basketsMessages, {
      'basketsapi.BasketCheckedOut': async ({ id, customerId, paymentId, items }) => {
        await commands.createOrder({ id, customerId, paymentId, items });
      },
    }),
  };
}
