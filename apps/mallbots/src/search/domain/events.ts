import { z } from 'zod';

/**
 * What Search was told, in its own words, as it records it in its own event store: the integration messages
 * it received (and the names it had to ask for), so that the read model can be rebuilt by replay without
 * asking another context anything. Each schema is the contract of its current version: change a shape or a
 * value only by adding a version and an upcaster.
 */

/** The statuses of an order, in Ordering's words (its REST API shows the same ones). */
export const orderStatuses = ['pending', 'approved', 'rejected', 'ready', 'completed', 'canceled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const cents = z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer');

export const placedItemSchema = z.strictObject({
  productId: z.string(),
  storeId: z.string(),
  /** The names the order was placed with: shown until Search learns a newer one. */
  productName: z.string(),
  storeName: z.string(),
  priceCents: cents,
  quantity: z.number().int().positive(),
});
export type PlacedItem = z.infer<typeof placedItemSchema>;

export const unavailableItemSchema = z.strictObject({ storeId: z.string(), productId: z.string() });
export type UnavailableItem = z.infer<typeof unavailableItemSchema>;

export const searchEventSchemas = {
  'search.OrderPlaced': z.strictObject({
    customerId: z.string(),
    items: z.array(placedItemSchema),
    totalCents: cents,
    /** When Ordering created the order (the message's time), ISO 8601. */
    placedAt: z.iso.datetime({ offset: true }),
  }),
  'search.OrderStatusChanged': z.strictObject({
    status: z.enum(orderStatuses),
    /** When the total changed with the status (readied: the lines that could not be supplied are not paid). */
    totalCents: cents.optional(),
    unavailableItems: z.array(unavailableItemSchema).optional(),
  }),
  'search.CustomerNamed': z.strictObject({
    name: z.string(),
    /** Where the name came from: Customers' event, or Customers' service when the event had not arrived. */
    source: z.enum(['event', 'service']),
  }),
  'search.StoreNamed': z.strictObject({ name: z.string() }),
  'search.ProductNamed': z.strictObject({ name: z.string() }),
};

export type SearchEventType = keyof typeof searchEventSchemas;
export type SearchEventData<Type extends SearchEventType> = z.infer<(typeof searchEventSchemas)[Type]>;

/**
 * Version 2 of OrderStatusChanged: the status is spelled `canceled` (version 1 wrote `cancelled`), so the
 * events recorded before are read, and replayed into the read model, with today's word.
 */
const upcasters: Partial<Record<SearchEventType, Record<number, (data: unknown) => unknown>>> = {
  'search.OrderStatusChanged': {
    1: (data) => {
      const change = data as { status?: unknown };
      return change.status === 'cancelled' ? { ...change, status: 'canceled' } : data;
    },
  },
};

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const searchEventTypes = Object.entries(searchEventSchemas).map(([name, schema]) => {
  const lifts = upcasters[name as SearchEventType];
  return { name, version: lifts ? 2 : 1, schema, ...(lifts ? { upcasters: lifts } : {}) };
});

/** One stream per order, customer, store and product: the subject of each event is in its stream's name. */
export const streams = {
  order: (id: string) => `search.Order-${id}`,
  customer: (id: string) => `search.Customer-${id}`,
  store: (id: string) => `search.Store-${id}`,
  product: (id: string) => `search.Product-${id}`,
};

/** The id a stream is about (what follows the first '-'). */
export const subjectOf = (streamName: string): string => streamName.slice(streamName.indexOf('-') + 1);
