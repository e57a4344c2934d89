import { fromCents, notFound } from '@tessera/platform/ddd';
import { problemResponse } from '@tessera/platform/http';
import { z } from 'zod';
import type { BasketView } from '../../application/queries.js';
import { basketsMessages } from '../../contract/integration-events.js';

export const tags = ['baskets'];

/** Ids are UUIDs; lower-cased so that one basket has one stream whatever case the client sends. */
const uuid = z.uuid().toLowerCase();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const idParams = z.object({ id: uuid });

/** Whole numbers; 0 and negatives pass here on purpose: the domain owns that rule and its message. */
const quantity = z
  .number()
  .int()
  .max(10_000)
  .min(-10_000)
  .describe('How many; at least 1 (0 and negatives are refused with code item_quantity_not_positive)');

export const startBasketBody = z.strictObject({
  // A blank id reaches the domain, for the spec's message; anything else must be a customer's UUID.
  customerId: z
    .string()
    .trim()
    .toLowerCase()
    .max(100)
    .refine((value) => value === '' || UUID.test(value), 'must be a UUID')
    .describe("A registered customer's id (Customers); blank or unknown is refused"),
});
export const itemBody = z.strictObject({ productId: uuid, quantity });
export const checkoutBody = z.strictObject({
  paymentId: z.string().trim().max(100).describe('The authorized payment (Payments); blank is refused'),
});

const itemSchema = z.object({
  storeId: z.uuid(),
  productId: z.uuid(),
  storeName: z.string(),
  productName: z.string(),
  price: z.number().describe('Unit price when first added, in currency units'),
  quantity: z.number().int(),
});
export const basketResponse = z.object({
  basket: z.object({
    id: z.uuid(),
    customerId: z.string(),
    status: z.enum(['open', 'canceled', 'checked_out']),
    paymentId: z.string().optional().describe('Once checked out'),
    items: z.array(itemSchema),
    total: z.number().describe('Sum of price × quantity, in currency units'),
  }),
});

/** The aggregate maps to the wire shape explicitly, so a new field never leaks into the API by accident. */
export const toBasketDto = (basket: BasketView) => ({
  id: basket.id,
  customerId: basket.customerId,
  status: basket.status as 'open' | 'canceled' | 'checked_out',
  ...(basket.paymentId ? { paymentId: basket.paymentId } : {}),
  items: basket.items.map(({ priceCents, ...item }) => ({ ...item, price: fromCents(priceCents) })),
  total: fromCents(basket.totalCents),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  notFound: 'No basket with that ID, or Stores does not know the product or its store',
  conflict:
    'The basket is not open, or not in a state that allows this (see code), or it changed concurrently',
};
export const storesUnavailable = problemResponse('Stores could not be asked about the product; retry later');

/** A checkout for other modules: exactly `basketsapi.BasketCheckedOut`'s data (cents, names at checkout). */
export const checkoutResponse = z.object({
  checkout: basketsMessages['basketsapi.BasketCheckedOut'].describe(
    'As basketsapi.BasketCheckedOut carries it',
  ),
});
export const checkoutNotFound = () =>
  notFound('checkout_not_found', 'the basket was not checked out (or does not exist)');
export const checkoutNotFoundResponse = problemResponse('The basket does not exist, or was not checked out');
