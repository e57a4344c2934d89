import { fromCents, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '@tessera/platform/ddd';
import { decimalAmount } from '@tessera/platform/http';
import { z } from 'zod';
import type { OrderView } from '../../application/ports.js';
import { orderStatuses } from '../../domain/events.js';
import { decodeCursor } from './cursor.js';

export const tags = ['search'];

export const idParams = z.object({ id: z.uuid().toLowerCase() });

const ids = z.array(z.uuid().toLowerCase()).max(100);
const dateTime = z.iso.datetime({ offset: true });
const amount = decimalAmount({ min: 0, max: 1_000_000_000 });

export const searchBody = z
  .strictObject({
    filters: z
      .strictObject({
        customerId: z.uuid().toLowerCase().optional(),
        after: dateTime.optional().describe('Placed at or after this time'),
        before: dateTime.optional().describe('Placed strictly before this time'),
        storeIds: ids.optional().describe('Orders with an item from ANY of these stores'),
        productIds: ids.optional().describe('Orders with ANY of these products'),
        minTotal: amount.optional().describe('At least this total, in currency units'),
        maxTotal: amount.optional().describe('At most this total, in currency units'),
        status: z.enum(orderStatuses).optional(),
      })
      .superRefine((filters, context) => {
        if (filters.after && filters.before && Date.parse(filters.after) > Date.parse(filters.before)) {
          for (const field of ['after', 'before']) {
            context.addIssue({
              code: 'custom',
              path: [field],
              message: 'after must not be later than before',
            });
          }
        }
        if (
          filters.minTotal !== undefined &&
          filters.maxTotal !== undefined &&
          filters.minTotal > filters.maxTotal
        ) {
          for (const field of ['minTotal', 'maxTotal']) {
            context.addIssue({ code: 'custom', path: [field], message: 'minTotal must not exceed maxTotal' });
          }
        }
      })
      .optional(),
    next: z
      .string()
      .max(500)
      .refine((cursor) => decodeCursor(cursor) !== undefined, 'is not a cursor this API gave')
      .optional()
      .describe('The `next` of the previous page'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(PAGE_LIMIT_MAX)
      .optional()
      .describe(`Orders per page, 1 to ${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`),
  })
  .describe('Every filter given must hold; none given matches every order');
export type SearchBody = z.infer<typeof searchBody>;

const itemSchema = z.object({
  productId: z.string(),
  storeId: z.string(),
  productName: z.string(),
  storeName: z.string(),
  price: z.number().describe('Unit price at checkout, in currency units'),
  quantity: z.number().int(),
});

const orderSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string().describe('Empty while Search knows no name for the customer'),
    items: z.array(itemSchema),
    total: z.number().describe('In currency units; once ready, without the lines that could not be supplied'),
    status: z.enum(orderStatuses).describe("Ordering's status words"),
    unavailableItems: z
      .array(z.object({ storeId: z.string(), productId: z.string() }))
      .describe('Once ready: the lines the stores could not supply'),
    createdAt: z.string().describe('When the order was placed'),
    updatedAt: z.string().describe('When Search last changed it'),
  })
  .meta({ id: 'SearchOrder' });

export const orderResponse = z.object({ order: orderSchema });
export const searchResponse = z.object({
  orders: z.array(orderSchema),
  next: z.string().optional().describe('Absent on the last page'),
});

export const toOrderDto = (order: OrderView) => ({
  id: order.orderId,
  customerId: order.customerId,
  customerName: order.customerName,
  items: order.items.map(({ priceCents, ...item }) => ({ ...item, price: fromCents(priceCents) })),
  total: fromCents(order.totalCents),
  status: order.status,
  unavailableItems: order.unavailableItems.map(({ storeId, productId }) => ({ storeId, productId })),
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  badRequest: 'The request is invalid (see errors: the field and what is wrong)',
  notFound: 'No order with that ID is known to search',
};
