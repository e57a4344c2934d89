import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The events of the Order aggregate, as they are stored. Each schema is the contract of one event at schema
 * version 1: change a shape only by adding a version and an upcaster. A created order carries its lines with
 * the names and prices of the checkout, so replaying an order never needs Baskets or Stores.
 */
const cents = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');
const quantity = z.number().int().positive().refine(Number.isSafeInteger, 'must be a safe integer');

export const orderItemEventSchema = z.strictObject({
  storeId: z.string(),
  productId: z.string(),
  storeName: z.string(),
  productName: z.string(),
  priceCents: cents.nonnegative(),
  quantity,
});

export const orderEventSchemas = {
  'ordering.OrderCreated': z.strictObject({
    customerId: z.string(),
    paymentId: z.string(),
    items: z.array(orderItemEventSchema),
  }),
  'ordering.OrderApproved': z.strictObject({ shoppingListId: z.string() }),
  'ordering.OrderRejected': z.strictObject({ reason: z.string() }),
  'ordering.OrderCanceled': z.strictObject({}),
  'ordering.OrderReadied': z.strictObject({}),
  'ordering.OrderCompleted': z.strictObject({ invoiceId: z.string() }),
};

export type OrderEvent = {
  [Type in keyof typeof orderEventSchemas]: DomainEvent<Type, z.infer<(typeof orderEventSchemas)[Type]>>;
}[keyof typeof orderEventSchemas];

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const orderingEventTypes = Object.entries(orderEventSchemas).map(([name, schema]) => ({
  name,
  version: 1,
  schema,
}));
