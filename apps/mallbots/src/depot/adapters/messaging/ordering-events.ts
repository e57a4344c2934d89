import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import { ORDER_CHANNEL, orderingMessages } from '../../../ordering/contract/integration-events.js';
import type { DepotCommands } from '../../application/commands.js';

/** The group through which Depot hears of Ordering's orders. */
export const DEPOT_ORDERING_GROUP = 'depot-ordering';

/**
 * The cancellation cascade, Depot's part: a canceled order's list is canceled and its bot recalled. The
 * handler runs in the broker's transaction, whose inbox drops a message id seen before; a second
 * OrderCanceled with another id finds the list canceled already and records nothing.
 */
export function ordersGroup(commands: Pick<DepotCommands, 'withdrawShoppingList'>): GroupSubscription {
  return {
    group: DEPOT_ORDERING_GROUP,
    subject: ORDER_CHANNEL,
    handle: onMessages(
      { 'ordersapi.OrderCanceled': orderingMessages['ordersapi.OrderCanceled'] },
      { 'ordersapi.OrderCanceled': ({ id }) => commands.withdrawShoppingList({ orderId: id }) },
    ),
  };
}
