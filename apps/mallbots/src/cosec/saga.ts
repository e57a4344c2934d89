import { defineSaga, type SagaCommand, type StepReply } from '@tessera/platform/sagas';
import { CUSTOMERS_COMMAND_CHANNEL } from '../customers/contract/integration-events.js';
import { createdShoppingListResult, DEPOT_COMMAND_CHANNEL } from '../depot/contract/integration-events.js';
import { ORDERING_COMMAND_CHANNEL } from '../ordering/contract/integration-events.js';
import { PAYMENTS_COMMAND_CHANNEL } from '../payments/contract/integration-events.js';

/** Where the participants reply to the saga, and where its steps' timeouts arrive. */
export const CREATE_ORDER_REPLIES = 'mallbots.cosec.replies.CreateOrder';

/** What the saga keeps between steps (persisted after each one; nothing stays in memory). */
export interface CreateOrderData {
  readonly orderId: string;
  readonly customerId: string;
  readonly paymentId: string;
  readonly totalCents: number;
  readonly items: ReadonlyArray<{ storeId: string; productId: string; quantity: number }>;
  readonly shoppingListId?: string;
  /** Why the order is rejected: the first refusal a participant gave, or a timeout. */
  readonly rejection?: string;
}

export interface CreateOrderSagaOptions {
  /** How long a step waits for its participant before the order is rejected. Default 5 minutes. */
  readonly stepTimeoutMs?: number;
}

const send = (type: string, channel: string, key: string, data: unknown): SagaCommand => ({
  type,
  channel,
  key,
  data,
});

/** The first refusal is the reason the customer is told; later ones (compensations) do not replace it. */
const noteRefusal = (data: CreateOrderData, reply: StepReply): CreateOrderData =>
  reply.ok || data.rejection ? data : { ...data, rejection: reply.reason };

/**
 * The create-order saga (spec §5.2): authorize the customer, make the shopping list, confirm the payment,
 * make the list available to the bots, approve the order. A refusal at any step compensates what came
 * before it, back to rejecting the order with the refusal's reason; a timeout compensates the timed-out step
 * too (its action may have happened), so every compensation is a no-op when its action did not happen.
 * Commands about the order are keyed by the order id, so a participant handles one order's commands in order
 * (an action before its compensation); Customers' by the customer id.
 */
export function createOrderSaga(options: CreateOrderSagaOptions = {}) {
  const timeoutMs = options.stepTimeoutMs ?? 5 * 60_000;
  return defineSaga<CreateOrderData>({
    name: 'cosec.CreateOrder',
    replyChannel: CREATE_ORDER_REPLIES,
    steps: [
      {
        name: 'rejectOrder',
        compensation: (d) =>
          send('ordersapi.RejectOrder', ORDERING_COMMAND_CHANNEL, d.orderId, {
            id: d.orderId,
            reason: d.rejection ?? `no answer within ${Math.round(timeoutMs / 1000)} s`,
          }),
      },
      {
        name: 'authorizeCustomer',
        action: (d) =>
          send('customersapi.AuthorizeCustomer', CUSTOMERS_COMMAND_CHANNEL, d.customerId, {
            id: d.customerId,
          }),
        onReply: noteRefusal,
        timeoutMs,
      },
      {
        name: 'createShoppingList',
        action: (d) =>
          send('depotapi.CreateShoppingList', DEPOT_COMMAND_CHANNEL, d.orderId, {
            orderId: d.orderId,
            items: d.items.map(({ storeId, productId, quantity }) => ({ storeId, productId, quantity })),
          }),
        onReply: (d, reply) =>
          reply.ok
            ? { ...d, shoppingListId: createdShoppingListResult.parse(reply.result).id }
            : noteRefusal(d, reply),
        // By the order, not the list: after a timeout the saga never learnt the list's id.
        compensation: (d) =>
          send('depotapi.CancelShoppingList', DEPOT_COMMAND_CHANNEL, d.orderId, { orderId: d.orderId }),
        timeoutMs,
      },
      {
        name: 'confirmPayment',
        action: (d) =>
          send('paymentsapi.ConfirmPayment', PAYMENTS_COMMAND_CHANNEL, d.orderId, {
            id: d.paymentId,
            orderId: d.orderId,
            customerId: d.customerId,
            amountCents: d.totalCents,
          }),
        onReply: noteRefusal,
        // A rejected order gives the customer their payment back, also when a later step is refused. A no-op
        // for a payment this order did not confirm (refused, or timed out before Payments handled it).
        compensation: (d) =>
          send('paymentsapi.ReleasePayment', PAYMENTS_COMMAND_CHANNEL, d.orderId, {
            id: d.paymentId,
            orderId: d.orderId,
          }),
        timeoutMs,
      },
      {
        name: 'initiateShopping',
        action: (d) =>
          send('depotapi.InitiateShopping', DEPOT_COMMAND_CHANNEL, d.orderId, { id: d.shoppingListId }),
        onReply: noteRefusal,
        timeoutMs,
      },
      {
        name: 'approveOrder',
        action: (d) =>
          send('ordersapi.ApproveOrder', ORDERING_COMMAND_CHANNEL, d.orderId, {
            id: d.orderId,
            shoppingListId: d.shoppingListId,
          }),
        onReply: noteRefusal,
        timeoutMs,
      },
    ],
  });
}
