import {
  type Broker,
  type Envelope,
  observedHandler,
  onMessages,
  type Subscribed,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import {
  PRODUCT_CHANNEL,
  STORE_CHANNEL,
  storesMessages,
} from '../../../stores/contract/integration-events.js';
import { type CacheUpdates, postgresCacheUpdates } from '../postgres/caches.js';

/** Told, once its transaction has committed, of each Stores message handled (applied, or dropped as irrelevant). */
export type CacheObserver = (message: Envelope) => void;

export const DEPOT_STORES_GROUP = 'depot-stores';
export const DEPOT_PRODUCTS_GROUP = 'depot-products';

/**
 * The Stores messages Depot keeps its caches with, in the cache's own terms (the anti-corruption layer): ids,
 * names and the store's location. Prices and participation are not the depot's business: dropped unread.
 */
export function storesCacheHandlers(cache: CacheUpdates) {
  return {
    stores: onMessages(storesMessages, {
      'storesapi.StoreCreated': ({ id, name, location }) => cache.storeCreated({ id, name, location }),
      'storesapi.StoreRebranded': ({ id, name }) => cache.storeRebranded({ id, name }),
    }),
    products: onMessages(storesMessages, {
      'storesapi.ProductAdded': ({ id, storeId, name }) => cache.productAdded({ id, storeId, name }),
      'storesapi.ProductRebranded': ({ id, name }) => cache.productRebranded({ id, name }),
      'storesapi.ProductRemoved': ({ id }) => cache.productRemoved({ id }),
    }),
  };
}

/**
 * Subscribes the two groups of spec §3.4. Handlers run in the broker's transaction (their queries join it),
 * whose inbox already skips a message id seen before.
 */
export async function subscribeToStores(
  broker: Broker,
  db: SqlClient,
  observer?: CacheObserver,
): Promise<Subscribed[]> {
  const handlers = storesCacheHandlers(postgresCacheUpdates(db));
  const observed = (handle: (message: Envelope) => Promise<void>) => observedHandler(db, handle, observer);
  return [
    await broker.subscribe({
      group: DEPOT_STORES_GROUP,
      subjects: [STORE_CHANNEL],
      handle: observed(handlers.stores),
    }),
    await broker.subscribe({
      group: DEPOT_PRODUCTS_GROUP,
      subjects: [PRODUCT_CHANNEL],
      handle: observed(handlers.products),
    }),
  ];
}
