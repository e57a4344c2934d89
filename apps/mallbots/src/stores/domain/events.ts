import type { DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The events of the Store and Product aggregates, as they are stored. Each schema is the contract of one
 * event at schema version 1: change a shape only by adding a version and an upcaster.
 * Money is a whole number of cents, so replaying deltas can never drift.
 */
const cents = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

export const storeEventSchemas = {
  'stores.StoreCreated': z.strictObject({ name: z.string(), location: z.string() }),
  'stores.StoreParticipationEnabled': z.strictObject({}),
  'stores.StoreParticipationDisabled': z.strictObject({}),
  'stores.StoreRebranded': z.strictObject({ name: z.string() }),
};

export const productEventSchemas = {
  'stores.ProductAdded': z.strictObject({
    storeId: z.string(),
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    priceCents: cents.nonnegative(),
  }),
  'stores.ProductRebranded': z.strictObject({ name: z.string(), description: z.string() }),
  'stores.ProductPriceIncreased': z.strictObject({ deltaCents: cents.positive() }),
  'stores.ProductPriceDecreased': z.strictObject({ deltaCents: cents.negative() }),
  'stores.ProductRemoved': z.strictObject({}),
};

type EventsOf<Schemas extends Record<string, z.ZodType>> = {
  [Type in keyof Schemas & string]: DomainEvent<Type, z.infer<Schemas[Type]>>;
}[keyof Schemas & string];

export type StoreEvent = EventsOf<typeof storeEventSchemas>;
export type ProductEvent = EventsOf<typeof productEventSchemas>;

/**
 * Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import).
 */
export const storesEventTypes = Object.entries({ ...storeEventSchemas, ...productEventSchemas }).map(
  ([name, schema]) => ({ name, version: 1, schema }),
);
