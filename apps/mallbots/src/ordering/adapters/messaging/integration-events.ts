import type { RecordedEvent } from '@tessera/platform/eventstore';
import { eventMessage, type NewMessage, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox } from '../../application/ports.js';
import { ORDER_CHANNEL, type OrderingMessage } from '../../contract/integration-events.js';
import * as Order from '../../domain/order.js';

/**
 * The integration message an event becomes, given the order after the save. Every event of the order's life
 * is published (the reference never published OrderApproved and OrderRejected). The internal event shapes
 * never leave the module.
 */
function forOrder(id: string, state: Order.State, event: RecordedEvent): OrderingMessage {
  const { customerId, paymentId } = state;
  const type = event.type as Order.Event['type'];
  switch (type) {
    case 'ordering.OrderCreated':
      return {
        type: 'ordersapi.OrderCreated',
        data: {
          id,
          customerId,
          paymentId,
          items: state.items.map((item) => ({ ...item })),
          totalCents: Order.totalCents(state),
        },
      };
    case 'ordering.OrderApproved':
      return {
        type: 'ordersapi.OrderApproved',
        data: { id, customerId, paymentId, shoppingListId: state.shoppingListId },
      };
    case 'ordering.OrderRejected':
      return {
        type: 'ordersapi.OrderRejected',
        data: { id, customerId, paymentId, reason: state.rejectionReason },
      };
    case 'ordering.OrderCanceled':
      // Depot cancels the shopping list, when there is one (the order was approved).
      return {
        type: 'ordersapi.OrderCanceled',
        data: {
          id,
          customerId,
          paymentId,
          ...(state.shoppingListId ? { shoppingListId: state.shoppingListId } : {}),
          canceledBy: state.cancellation?.by ?? 'customer',
          ...(state.cancellation?.reason === undefined ? {} : { reason: state.cancellation.reason }),
        },
      };
    case 'ordering.OrderReadied':
      return {
        type: 'ordersapi.OrderReadied',
        data: {
          id,
          customerId,
          paymentId,
          totalCents: Order.totalCents(state),
          unavailableItems: state.items
            .filter((item) => item.unavailable)
            .map(({ storeId, productId }) => ({ storeId, productId })),
        },
      };
    case 'ordering.OrderCompleted':
      return { type: 'ordersapi.OrderCompleted', data: { id, customerId, invoiceId: state.invoiceId } };
    default:
      throw new Error(`no integration message for ${String(type satisfies never)}`);
  }
}

/**
 * A save's recorded events as the messages to publish, in order, keyed by order id. Each event of a save is
 * the order's last (one command, one event), so the state after the save is the state at that event; but for
 * an order canceled while it was being placed (made and canceled in one save): only its cancel is published.
 * It was never offered to the create-order saga, so nothing is shopped, and the cancel voids its payment and
 * texts the customer as any cancel does.
 */
export function toIntegrationMessages(
  id: string,
  state: Order.State,
  recorded: readonly RecordedEvent[],
): NewMessage[] {
  const published = Order.canceledWhilePlacing(recorded)
    ? recorded.filter((event) => event.type !== 'ordering.OrderCreated')
    : recorded;
  return published.map((event) =>
    eventMessage(event, forOrder(id, state, event), { subject: ORDER_CHANNEL, key: id }),
  );
}

/** Publishes through the broker in the appending transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (id, state, recorded) =>
      publishMessages(broker, 'ordering', toIntegrationMessages(id, state, recorded)),
  };
}
