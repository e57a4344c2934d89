import {
  type Broker,
  type Envelope,
  observedHandler,
  onMessages,
  type Subscribed,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import { BASKET_CHANNEL, basketsMessages } from '../../../baskets/contract/integration-events.js';
import type { OrderingCommands } from '../../application/commands.js';

/** The consumer group that turns checked-out baskets into orders (spec §6.4). */
export const ORDERING_BASKETS_GROUP = 'ordering-baskets';

/** Told, once its transaction has committed, of each Baskets message handled (applied, or dropped as irrelevant). */
export type BasketsObserver = (message: Envelope) => void;

/**
 * A checked-out basket becomes a pending order with the basket's id (spec §5.4): a checkout delivered again,
 * even under another message id, finds the order made and records nothing. Other Baskets messages are dropped.
 */
export function basketsHandlers(commands: Pick<OrderingCommands, 'createOrder'>) {
  return onMessages(basketsMessages, {
    'basketsapi.BasketCheckedOut': async ({ id, customerId, paymentId, items }) => {
      await commands.createOrder({ id, customerId, paymentId, items });
    },
  });
}

/**
 * Subscribes group `ordering-baskets`. The handler runs in the broker's transaction (its appends and outgoing
 * messages join it), whose inbox already skips a message id seen before.
 */
export function subscribeToBaskets(
  broker: Broker,
  db: Pick<SqlClient, 'afterCommit'>,
  commands: Pick<OrderingCommands, 'createOrder'>,
  observer?: BasketsObserver,
): Promise<Subscribed> {
  return broker.subscribe({
    group: ORDERING_BASKETS_GROUP,
    subjects: [BASKET_CHANNEL],
    handle: observedHandler(db, basketsHandlers(commands), observer),
  });
}
