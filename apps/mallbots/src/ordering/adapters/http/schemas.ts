import { fromCents } from '@tessera/platform/ddd';
import { z } from 'zod';
import type { OrderView } from '../../application/queries.js';

export const tags = ['ordering'];

/** Ids are UUIDs; lower-cased so that one order has one stream whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

const statuses = ['placing', 'pending', 'approved', 'rejected', 'ready', 'completed', 'canceled'] as const;
type Status = (typeof statuses)[number];
/** Where the customer may cancel: Ordering's rule (domain/order.ts), and an order being placed. */
const CUSTOMER_CANCELABLE: ReadonlySet<string> = new Set(['placing', 'pending', 'approved']);

const itemSchema = z.object({
  storeId: z.uuid(),
  productId: z.uuid(),
  storeName: z.string(),
  productName: z.string(),
  price: z.number().describe('Unit price at checkout, in currency units'),
  quantity: z.number().int(),
  unavailable: z.boolean().describe('The store could not supply it: it is not charged'),
});

export const staffCancelBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'the reason cannot be blank')
    .max(500)
    .describe('Why the order is canceled'),
});
export const orderResponse = z.object({
  order: z.object({
    id: z.uuid(),
    customerId: z.string(),
    paymentId: z.string(),
    status: z
      .enum(statuses)
      .describe(
        '`placing` while Ordering makes the order from its checked-out basket, then `pending` until the saga ' +
          'approves or rejects it',
      ),
    cancelable: z
      .boolean()
      .describe('The customer may cancel it now (placing, pending or approved): DELETE /api/ordering/{id}'),
    items: z.array(itemSchema),
    total: z.number().describe('Sum of price × quantity of the available lines, in currency units'),
    shoppingListId: z.string().optional().describe('Once approved: the shopping list the bots shop'),
    invoiceId: z.string().optional().describe('Once completed: the invoice that was paid'),
    rejectionReason: z.string().optional().describe('When rejected: why'),
    canceledBy: z.enum(['customer', 'staff']).optional().describe('When canceled: by whom'),
    cancelReason: z.string().optional().describe('When canceled by the staff: why'),
  }),
});

/** The aggregate maps to the wire shape explicitly, so a new field never leaks into the API by accident. */
export const toOrderDto = (order: OrderView) => ({
  id: order.id,
  customerId: order.customerId,
  paymentId: order.paymentId,
  // Never 'unknown': the query answers 404 for an order that does not exist.
  status: order.status as Status,
  cancelable: CUSTOMER_CANCELABLE.has(order.status),
  items: order.items.map(({ priceCents, unavailable, ...item }) => ({
    ...item,
    price: fromCents(priceCents),
    unavailable: unavailable === true,
  })),
  total: fromCents(order.totalCents),
  ...(order.shoppingListId ? { shoppingListId: order.shoppingListId } : {}),
  ...(order.invoiceId ? { invoiceId: order.invoiceId } : {}),
  ...(order.rejectionReason ? { rejectionReason: order.rejectionReason } : {}),
  ...(order.cancellation ? { canceledBy: order.cancellation.by } : {}),
  ...(order.cancellation?.reason ? { cancelReason: order.cancellation.reason } : {}),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  badRequest: 'The request is invalid (see code and errors)',
  notFound: 'No order with that ID',
  conflict: 'The order cannot change so in its state (see code), or it changed concurrently; retry',
};
