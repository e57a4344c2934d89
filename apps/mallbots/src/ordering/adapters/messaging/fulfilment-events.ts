import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import { depotMessages, SHOPPING_LIST_CHANNEL } from '../../../depot/contract/integration-events.js';
import { INVOICE_CHANNEL, paymentsMessages } from '../../../payments/contract/integration-events.js';
import type { OrderingCommands } from '../../application/commands.js';

/** The consumer group that readies orders whose shopping is done (spec §3.5). */
export const ORDERING_DEPOT_GROUP = 'ordering-depot';
/** The consumer group that completes paid orders (the reference's missing InvoicePaid subscription). */
export const ORDERING_PAYMENTS_GROUP = 'ordering-payments';

/**
 * A completed shopping list readies its order, without the items the stores could not supply. Readying a ready (or already completed) order records
 * nothing, so a copy of the message under another id changes nothing. Other Depot messages are dropped.
 */
export function depotHandlers(commands: Pick<OrderingCommands, 'readyOrder'>) {
  return onMessages(depotMessages, {
    'depotapi.ShoppingListCompleted': async ({ id, orderId, unavailableItems }) => {
      await commands.readyOrder({ id: orderId, shoppingListId: id, unavailableItems });
    },
  });
}

/**
 * A paid invoice completes its order. Completing a completed order with the same invoice records nothing;
 * with another invoice it is refused (retried, then dead-lettered: a second invoice for one order is a bug).
 */
export function paymentsHandlers(commands: Pick<OrderingCommands, 'completeOrder'>) {
  return onMessages(paymentsMessages, {
    'paymentsapi.InvoicePaid': async ({ id, orderId }) => {
      await commands.completeOrder({ id: orderId, invoiceId: id });
    },
  });
}

/**
 * Groups `ordering-depot` and `ordering-payments`. Each handling runs in the broker's transaction (the
 * appended events and outgoing messages join it), whose inbox already skips a message id seen before.
 */
export function fulfilmentGroups(
  commands: Pick<OrderingCommands, 'readyOrder' | 'completeOrder'>,
): GroupSubscription[] {
  return [
    { group: ORDERING_DEPOT_GROUP, subject: SHOPPING_LIST_CHANNEL, handle: depotHandlers(commands) },
    { group: ORDERING_PAYMENTS_GROUP, subject: INVOICE_CHANNEL, handle: paymentsHandlers(commands) },
  ];
}
