import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The events of the Basket aggregate, as they are stored. Each schema is the contract of one event at
 * schema version 1: change a shape only by adding a version and an upcaster.
 * An added item carries the names and the price it was added with, so replaying a basket never needs Stores.
 */
const cents = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');
const quantity = z.number().int().positive().refine(Number.isSafeInteger, 'must be a safe integer');

export const basketEventSchemas = {
  'baskets.BasketStarted': z.strictObject({ customerId: z.string() }),
  'baskets.BasketItemAdded': z.strictObject({
    storeId: z.string(),
    productId: z.string(),
    storeName: z.string(),
    productName: z.string(),
    priceCents: cents.nonnegative(),
    quantity,
  }),
  'baskets.BasketItemRemoved': z.strictObject({ productId: z.string(), quantity }),
  'baskets.BasketCanceled': z.strictObject({}),
  'baskets.BasketCheckedOut': z.strictObject({ paymentId: z.string() }),
};

/** An added item: the line it makes, or adds its quantity to. */
export type BasketItemAdded = z.infer<(typeof basketEventSchemas)['baskets.BasketItemAdded']>;

export type BasketEvent = {
  [Type in keyof typeof basketEventSchemas]: DomainEvent<Type, z.infer<(typeof basketEventSchemas)[Type]>>;
}[keyof typeof basketEventSchemas];

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const basketsEventTypes = Object.entries(basketEventSchemas).map(([name, schema]) => ({
  name,
  version: 1,
  schema,
}));
