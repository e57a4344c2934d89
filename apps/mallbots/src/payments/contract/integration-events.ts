import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * What Payments publishes for other contexts, and the command it answers for the create-order saga. This
 * folder is the only part of the module other modules may import. Money is whole cents (ADR 0006).
 */
export const INVOICE_CHANNEL = 'mallbots.payments.events.Invoice';
/** Where the saga sends `paymentsapi.ConfirmPayment` and `ReleasePayment`; replies go to the command's replyTo. */
export const PAYMENTS_COMMAND_CHANNEL = 'mallbots.payments.commands';

const id = z.uuid();

export const paymentsMessages = {
  'paymentsapi.InvoiceCreated': z.strictObject({
    id,
    orderId: id,
    paymentId: z.string(),
    amountCents: z.number().int().nonnegative(),
  }),
  'paymentsapi.InvoicePaid': z.strictObject({ id, orderId: id }),
  'paymentsapi.InvoiceCanceled': z.strictObject({ id, orderId: id }),
};

export type PaymentsMessageType = keyof typeof paymentsMessages;
export type PaymentsMessage = MessageOf<typeof paymentsMessages>;

/** Commands Payments handles (saga participant): the reply is a generic success or failure. */
export const paymentsCommands = {
  /** The payment must exist, be the customer's, pay for no other order, and cover exactly `amountCents`. */
  'paymentsapi.ConfirmPayment': z.strictObject({
    id: z.string().min(1),
    orderId: id,
    customerId: id,
    amountCents: z.number().int().nonnegative(),
  }),
  /**
   * ConfirmPayment's compensation: a payment confirmed for `orderId` becomes unconfirmed, free to pay for
   * another order. Always a success: a payment not confirmed for that order (unknown, never confirmed,
   * another order's) is left as it is, since the saga sends this after a confirmation that timed out too.
   */
  'paymentsapi.ReleasePayment': z.strictObject({ id: z.string().min(1), orderId: id }),
};

/** The channel Payments publishes on, for the AsyncAPI document. Messages are keyed by invoice id. */
export const paymentsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: INVOICE_CHANNEL,
    description: 'Invoices: created, paid, canceled',
    messages: paymentsMessages,
    summaries: {
      'paymentsapi.InvoiceCreated': 'An invoice was created for a ready order',
      'paymentsapi.InvoicePaid': 'An invoice was paid at the depot',
      'paymentsapi.InvoiceCanceled': 'An invoice was canceled',
    },
  }),
];

/** The channel Payments receives commands on. */
export const paymentsReceives: readonly ChannelContract[] = [
  channelContract({
    address: PAYMENTS_COMMAND_CHANNEL,
    description: 'Commands to Payments, from the create-order saga; keyed by order id',
    messages: paymentsCommands,
    summaries: {
      'paymentsapi.ConfirmPayment': "Confirm that an authorized payment covers an order's total",
      'paymentsapi.ReleasePayment':
        'Release a payment confirmed for an order that was rejected (compensation)',
    },
  }),
];
