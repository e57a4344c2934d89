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
/** A line as `OrderCreated` records it. */
export type OrderItemRecorded = z.infer<typeof orderItemEventSchema>;

export const orderEventSchemas = {
  'ordering.OrderCreated': z.strictObject({
    customerId: z.string(),
    paymentId: z.string(),
    items: z.array(orderItemEventSchema),
  }),
  'ordering.OrderApproved': z.strictObject({ shoppingListId: z.string() }),
  'ordering.OrderRejected': z.strictObject({ reason: z.string() }),
  'ordering.OrderCanceled': z.strictObject({
    canceledBy: z.enum(['customer', 'staff']),
    reason: z.string().optional(),
  }),
  'ordering.OrderReadied': z.strictObject({
    unavailableItems: z.array(z.strictObject({ storeId: z.string(), productId: z.string() })),
    /** The list that was shopped, when it was done before the saga's approval recorded it. */
    shoppingListId: z.string().optional(),
  }),
  'ordering.OrderCompleted': z.strictObject({ invoiceId: z.string() }),
};

export type OrderEvent = {
  [Type in keyof typeof orderEventSchemas]: DomainEvent<Type, z.infer<(typeof orderEventSchemas)[Type]>>;
}[keyof typeof orderEventSchemas];

/**
 * Version 2 of two events: a cancel says who canceled (version 1 knew only customers), and readying names the
 * lines the stores could not supply (version 1 came before the bots reported items: none).
 */
const upcasters: Partial<Record<keyof typeof orderEventSchemas, Record<number, (data: unknown) => unknown>>> =
  {
    'ordering.OrderCanceled': { 1: (data) => ({ ...(data as object), canceledBy: 'customer' }) },
    'ordering.OrderReadied': { 1: (data) => ({ ...(data as object), unavailableItems: [] }) },
  };

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const orderingEventTypes = Object.entries(orderEventSchemas).map(([name, schema]) => {
  const lifts = upcasters[name as keyof typeof orderEventSchemas];
  return { name, version: lifts ? 2 : 1, schema, ...(lifts ? { upcasters: lifts } : {}) };
});
