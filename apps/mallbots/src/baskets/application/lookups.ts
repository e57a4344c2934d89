import { readThrough } from '@tessera/platform/ddd';
import { productNotFound, storeNotFound } from '../domain/basket.js';
import type { ProductInfo, StoreInfo, StoresCache, StoresDirectory } from './ports.js';

export interface StoresLookups {
  /** The product and its store: from the caches, else from Stores (then cached). 404 when Stores knows neither. */
  productWithStore(productId: string): Promise<{ product: ProductInfo; store: StoreInfo }>;
}

/**
 * Cache first, Stores on a miss (spec §3.2 "fallback semantics"), through the platform's `readThrough`.
 */
export function createStoresLookups({
  cache,
  directory,
}: {
  cache: StoresCache;
  directory: StoresDirectory;
}): StoresLookups {
  const product = readThrough(cache.products, {
    fetch: (id) => directory.findProduct(id),
    missing: productNotFound,
  });
  const store = readThrough(cache.stores, { fetch: (id) => directory.findStore(id), missing: storeNotFound });

  return {
    async productWithStore(productId) {
      const found = await product(productId);
      return { product: found, store: await store(found.storeId) };
    },
  };
}
