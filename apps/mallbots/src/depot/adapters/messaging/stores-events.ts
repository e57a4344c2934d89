import { onMessages } from '@tessera/platform/messaging';
import { storesMessages } from '../../../stores/contract/integration-events.js';
import type { StoresCacheTables } from '../postgres/caches.js';

/** The groups `storesCopyGroups('depot', ...)` subscribes. */
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
