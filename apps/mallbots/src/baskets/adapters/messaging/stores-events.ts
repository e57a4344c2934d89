import { onMessages } from '@tessera/platform/messaging';
import { storesMessages } from '../../../stores/contract/integration-events.js';
import type { StoresCacheTables } from '../postgres/caches.js';

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
