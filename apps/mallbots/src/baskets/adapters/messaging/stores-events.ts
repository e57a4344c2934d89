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

/**
 * The Stores messages Baskets keeps its caches with, translated to the cache's own terms (the anti-corruption
 * layer): only ids, names and prices cross. Types without a handler (participation) are dropped unread.
 */
export function storesCacheHandlers(cache: CacheUpdates) {
  return {
    stores: onMessages(storesMessages, {
      'storesapi.StoreCreated': ({ id, name }) => cache.storeCreated({ id, name }),
      'storesapi.StoreRebranded': ({ id, name }) => cache.storeRebranded({ id, name }),
    }),
    products: onMessages(storesMessages, {
      'storesapi.ProductAdded': ({ id, storeId, name, priceCents }) =>
        cache.productAdded({ id, storeId, name, priceCents }),
      'storesapi.ProductRebranded': ({ id, name }) => cache.productRebranded({ id, name }),
      'storesapi.ProductPriceIncreased': ({ id, deltaCents }) =>
        cache.productPriceChanged({ id, deltaCents }),
      'storesapi.ProductPriceDecreased': ({ id, deltaCents }) =>
        cache.productPriceChanged({ id, deltaCents }),
      'storesapi.ProductRemoved': ({ id }) => cache.productRemoved({ id }),
    }),
  };
}

/**
 * Subscribes the two groups of spec §6.4. Handlers run in the broker's transaction (their queries join it),
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
      group: 'baskets-stores',
      subjects: [STORE_CHANNEL],
      handle: observed(handlers.stores),
    }),
    await broker.subscribe({
      group: 'baskets-products',
      subjects: [PRODUCT_CHANNEL],
      handle: observed(handlers.products),
    }),
  ];
}
