import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * What Store Management publishes for other contexts (event-carried state transfer): stores and their
 * catalogs. This folder is the only part of the module other modules may import.
 * Prices are whole cents, as everywhere else in the system.
 */
export const STORE_CHANNEL = 'mallbots.stores.events.Store';
export const PRODUCT_CHANNEL = 'mallbots.stores.events.Product';

const id = z.uuid();
const cents = z.number().int();

/** The messages on STORE_CHANNEL, keyed by store id. */
export const storeMessages = {
  'storesapi.StoreCreated': z.strictObject({ id, name: z.string(), location: z.string() }),
  'storesapi.StoreParticipatingToggled': z.strictObject({ id, participating: z.boolean() }),
  'storesapi.StoreRebranded': z.strictObject({ id, name: z.string() }),
};

/** The messages on PRODUCT_CHANNEL, keyed by product id. */
export const productMessages = {
  'storesapi.ProductAdded': z.strictObject({
    id,
    storeId: id,
    name: z.string(),
    description: z.string(),
    sku: z.string(),
    priceCents: cents.nonnegative(),
  }),
  'storesapi.ProductRebranded': z.strictObject({ id, name: z.string(), description: z.string() }),
  'storesapi.ProductPriceIncreased': z.strictObject({ id, deltaCents: cents.positive() }),
  'storesapi.ProductPriceDecreased': z.strictObject({ id, deltaCents: cents.negative() }),
  'storesapi.ProductRemoved': z.strictObject({ id }),
};

export const storesMessages = { ...storeMessages, ...productMessages };

export type StoresMessageType = keyof typeof storesMessages;
export type StoresMessage = MessageOf<typeof storesMessages>;

/** The channel a message goes on: its type says whether it is about a store or a product. */
export const storesChannelOf = (type: StoresMessageType) =>
  type in storeMessages ? STORE_CHANNEL : PRODUCT_CHANNEL;

/** The channels Stores publishes on, for the AsyncAPI document. Messages are keyed by store or product id. */
export const storesPublishes: readonly ChannelContract[] = [
  channelContract({
    address: STORE_CHANNEL,
    description: 'Stores: created, rebranded, participation toggled',
    messages: storeMessages,
    summaries: {
      'storesapi.StoreCreated': 'A store joined the mall',
      'storesapi.StoreParticipatingToggled': 'A store started or stopped taking part in automated shopping',
      'storesapi.StoreRebranded': 'A store changed its name',
    },
  }),
  channelContract({
    address: PRODUCT_CHANNEL,
    description: 'Catalog products: added, rebranded, repriced, removed',
    messages: productMessages,
    summaries: {
      'storesapi.ProductAdded': "A product was added to a store's catalog",
      'storesapi.ProductRebranded': "A product's name or description changed",
      'storesapi.ProductPriceIncreased': 'A product became dearer by deltaCents',
      'storesapi.ProductPriceDecreased': 'A product became cheaper by deltaCents (negative)',
      'storesapi.ProductRemoved': "A product left its store's catalog",
    },
  }),
];
