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

const timestamp = z.iso.datetime({ offset: true });

/** What a bot found for an item: all of it, or none. */
export const itemOutcomes = ['picked', 'unavailable'] as const;
export type ItemOutcome = (typeof itemOutcomes)[number];

/** An invoice's life, as Payments publishes it. */
export const invoiceStatuses = ['pending', 'paid', 'canceled'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

export const trackedStopSchema = z.strictObject({
  storeId: z.string(),
  storeName: z.string(),
  storeLocation: z.string(),
  items: z.array(
    z.strictObject({ productId: z.string(), productName: z.string(), quantity: z.number().int().positive() }),
  ),
});
export type TrackedStop = z.infer<typeof trackedStopSchema>;

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
    /** Since version 3: when Ordering made the change (the message's time), ISO 8601. */
    at: timestamp.optional(),
    /** Since version 3: why the order was rejected, or why the staff canceled it. */
    reason: z.string().optional(),
    /** Since version 3: who canceled it. */
    canceledBy: z.enum(['customer', 'staff']).optional(),
    /** Since version 3: the shopping list an approved order is shopped with. */
    shoppingListId: z.string().optional(),
  }),
  /** A basket was checked out: its order is being placed (Ordering has not made it yet). */
  'search.BasketCheckedOut': z.strictObject({
    customerId: z.string(),
    items: z.array(placedItemSchema),
    totalCents: cents,
    at: timestamp,
  }),
  /** Depot made the order's shopping list: the stops a bot visits, in order. */
  'search.ShoppingListMade': z.strictObject({
    shoppingListId: z.string(),
    stops: z.array(trackedStopSchema),
    at: timestamp,
  }),
  /** The shopping list changed hands or status: available to the bots, taken by one, canceled, brought back. */
  'search.ShoppingListChanged': z.strictObject({
    shoppingListId: z.string(),
    status: z.enum(['available', 'assigned', 'canceled', 'completed']),
    botId: z.string().optional(),
    /** The bot's name, when Depot gave one (a bot of its fleet). */
    botName: z.string().optional(),
    at: timestamp,
  }),
  /** The bot shopping the list picked an item at a stop, or found the store out of it. */
  'search.ShoppingItemReported': z.strictObject({
    shoppingListId: z.string(),
    botId: z.string(),
    storeId: z.string(),
    productId: z.string(),
    outcome: z.enum(itemOutcomes),
    at: timestamp,
  }),
  /** The order's invoice: created when it was ready (the amount to pay), paid, or canceled. */
  'search.InvoiceChanged': z.strictObject({
    invoiceId: z.string(),
    status: z.enum(invoiceStatuses),
    amountCents: cents.optional(),
    at: timestamp,
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
 * events recorded before are read, and replayed into the read model, with today's word. Version 3 adds
 * optional fields only (the time, a reason, who canceled, the shopping list): version 2 is read as it is.
 */
const upcasters: Partial<Record<SearchEventType, Record<number, (data: unknown) => unknown>>> = {
  'search.OrderStatusChanged': {
    1: (data) => {
      const change = data as { status?: unknown };
      return change.status === 'cancelled' ? { ...change, status: 'canceled' } : data;
    },
    2: (data) => data,
  },
};

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const searchEventTypes = Object.entries(searchEventSchemas).map(([name, schema]) => {
  const lifts = upcasters[name as SearchEventType];
  const version = lifts ? Object.keys(lifts).length + 1 : 1;
  return { name, version, schema, ...(lifts ? { upcasters: lifts } : {}) };
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
