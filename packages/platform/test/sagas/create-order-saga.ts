import { defineSaga, type SagaCommand } from '@tessera/platform/sagas';

/** A test saga shaped like MallBots' create-order saga (spec §5.2), with a timeout on the payment step. */
export interface CreateOrderData {
  orderId: string;
  customerId: string;
  paymentId: string;
  shoppingId?: string;
  /** What the depot said when it refused the list: stored by the reply handler on a failure too. */
  shoppingRefusal?: string;
  total: number;
}

export const PAYMENT_TIMEOUT_MS = 60_000;

export function createOrderSaga(
  replyChannel: string,
  channels = {
    ordering: 'test.ordering.commands',
    customers: 'test.customers.commands',
    depot: 'test.depot.commands',
    payments: 'test.payments.commands',
  },
) {
  const send = (type: string, channel: string, key: string, data: unknown): SagaCommand => ({
    type,
    channel,
    key,
    data,
  });
  return defineSaga<CreateOrderData>({
    name: 'cosec.CreateOrder',
    replyChannel,
    steps: [
      {
        name: 'rejectOrder',
        compensation: (d) => send('orderingapi.RejectOrder', channels.ordering, d.orderId, { id: d.orderId }),
      },
      {
        name: 'authorizeCustomer',
        action: (d) =>
          send('customersapi.AuthorizeCustomer', channels.customers, d.customerId, { id: d.customerId }),
      },
      {
        name: 'createShoppingList',
        action: (d) => send('depotapi.CreateShoppingList', channels.depot, d.orderId, { orderId: d.orderId }),
        onReply: (d, reply) =>
          reply.ok ? { ...d, shoppingId: String(reply.result) } : { ...d, shoppingRefusal: reply.code },
        compensation: (d) =>
          send('depotapi.CancelShoppingList', channels.depot, d.orderId, { id: d.shoppingId }),
      },
      {
        name: 'confirmPayment',
        action: (d) =>
          send('paymentsapi.ConfirmPayment', channels.payments, d.paymentId, {
            id: d.paymentId,
            amount: d.total,
          }),
        timeoutMs: PAYMENT_TIMEOUT_MS,
      },
      {
        name: 'initiateShopping',
        action: (d) => send('depotapi.InitiateShopping', channels.depot, d.orderId, { id: d.shoppingId }),
      },
      {
        name: 'approveOrder',
        action: (d) =>
          send('orderingapi.ApproveOrder', channels.ordering, d.orderId, {
            id: d.orderId,
            shoppingId: d.shoppingId,
          }),
      },
    ],
  });
}
