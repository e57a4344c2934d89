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

/**
 * The Stores messages Baskets keeps its caches with, translated to the cache's own terms (the anti-corruption
 * layer): only ids, names and prices cross. Types without a handler (participation) are dropped unread.
 */
export function storesCacheHandlers({ stores, products }: StoresCacheTables) {
  return {
    stores: onMessages(storesMessages, {
      'storesapi.StoreCreated': ({ id, name }) => stores.created({ id, name }),
      'storesapi.StoreRebranded': ({ id, name }) => stores.changed(id, { name }),
    }),
    products: onMessages(storesMessages, {
      'storesapi.ProductAdded': ({ id, storeId, name, priceCents }) =>
        products.created({ id, storeId, name, priceCents }),
      'storesapi.ProductRebranded': ({ id, name }) => products.changed(id, { name }),
      'storesapi.ProductPriceIncreased': ({ id, deltaCents }) =>
        products.adjusted(id, 'priceCents', deltaCents),
      'storesapi.ProductPriceDecreased': ({ id, deltaCents }) =>
        products.adjusted(id, 'priceCents', deltaCents),
      'storesapi.ProductRemoved': ({ id }) => products.removed(id),
    }),
  };
}

/**
 * Subscribes the two groups of spec §6.4. Handlers run in the broker's transaction (their queries join it),
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
      { group: 'baskets-stores', subject: STORE_CHANNEL, handle: handlers.stores },
      { group: 'baskets-products', subject: PRODUCT_CHANNEL, handle: handlers.products },
    ],
    { db, observer },
  );
}
