import { problemResponse } from '@tessera/platform/http';
import { z } from 'zod';
import type { InvoiceView, PaymentView } from '../../application/queries.js';

export const tags = ['payments'];

/** Ids are UUIDs; lower-cased so that one payment has one row whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

/** Whole cents (ADR 0006). 0 passes here on purpose: the domain owns that rule and its code. */
const amountCents = z
  .number()
  .int()
  .min(0)
  .max(100_000_000)
  .describe(
    'The amount held, in whole cents; at least 1 (0 is refused with code payment_amount_not_positive)',
  );

export const authorizeBody = z.strictObject({
  customerId: z.uuid().toLowerCase().describe("A registered customer's id (Customers); unknown is refused"),
  amountCents,
});

export const paymentResponse = z.object({
  payment: z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    amountCents: z.number().int(),
    confirmed: z.boolean().describe('Whether the create-order saga confirmed it against an order'),
    voided: z.boolean().describe('Whether its authorization was voided because its order was canceled'),
  }),
});

export const invoiceResponse = z.object({
  invoice: z.object({
    id: z.uuid().describe("The order's id: one invoice per order"),
    orderId: z.uuid(),
    paymentId: z.string(),
    amountCents: z.number().int(),
    status: z.enum(['pending', 'paid', 'canceled']),
  }),
});

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toPaymentDto = ({ id, customerId, amountCents, confirmed, voided }: PaymentView) => ({
  id,
  customerId,
  amountCents,
  confirmed,
  voided,
});
export const toInvoiceDto = ({ id, orderId, paymentId, amountCents, status }: InvoiceView) => ({
  id,
  orderId,
  paymentId,
  amountCents,
  status,
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  notFound: 'No payment with that ID',
  conflict:
    'The invoice cannot change so in its state (see code), or it was changed concurrently: reload it and try again',
};
export const invoiceNotFound = problemResponse('No invoice with that ID');
