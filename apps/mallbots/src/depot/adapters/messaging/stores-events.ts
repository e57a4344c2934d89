import {
  type Broker,
  type Envelope,
  onMessages,
  type Subscribed,
  subscribeGroups,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import {
  PRODUCT_CHANNEL,
  STORE_CHANNEL,
  storesMessages,
} from '../../../stores/contract/integration-events.js';
import { postgresStoresCache, type StoresCacheTables } from '../postgres/caches.js';

/** Told, once its transaction has committed, of each Stores message handled (applied, or dropped as irrelevant). */
export type CacheObserver = (message: Envelope) => void;

export const DEPOT_STORES_GROUP = 'depot-stores';
export const DEPOT_PRODUCTS_GROUP = 'depot-products';

/**
 * The Stores messages Depot keeps its caches with, in the cache's own terms (the anti-corruption layer): ids,
 * names and the store's location. Prices and participation are not the depot's business: dropped unread.
 */
export function storesCacheHandlers({ stores, products }: StoresCacheTables) {
  return {
    stores: onMessages(storesMessages, {
      'storesapi.StoreCreated': ({ id, name, location }) => stores.created({ id, name, location }),
      'storesapi.StoreRebranded': ({ id, name }) => stores.changed(id, { name }),
    }),
    products: onMessages(storesMessages, {
      'storesapi.ProductAdded': ({ id, storeId, name }) => products.created({ id, storeId, name }),
      'storesapi.ProductRebranded': ({ id, name }) => products.changed(id, { name }),
      'storesapi.ProductRemoved': ({ id }) => products.removed(id),
    }),
  };
}

/**
 * Subscribes the two groups of spec §3.4. Handlers run in the broker's transaction (their queries join it),
 * whose inbox already skips a message id seen before.
 */
export function subscribeToStores(
  broker: Broker,
  db: SqlClient,
  observer?: CacheObserver,
): Promise<Subscribed[]> {
  const handlers = storesCacheHandlers(postgresStoresCache(db));
  return subscribeGroups(
    broker,
    [
      { group: DEPOT_STORES_GROUP, subject: STORE_CHANNEL, handle: handlers.stores },
      { group: DEPOT_PRODUCTS_GROUP, subject: PRODUCT_CHANNEL, handle: handlers.products },
    ],
    { db, observer },
  );
}
