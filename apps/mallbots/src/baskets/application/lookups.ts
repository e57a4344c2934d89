import { productNotFound, storeNotFound } from '../domain/basket.js';
import type { ProductInfo, StoreInfo, StoresCache, StoresDirectory } from './ports.js';

export interface StoresLookups {
  /** The product and its store: from the caches, else from Stores (then cached). 404 when Stores knows neither. */
  productWithStore(productId: string): Promise<{ product: ProductInfo; store: StoreInfo }>;
}

/**
 * Cache first, Stores' API on a miss (spec §3.2 "fallback semantics"). The clock is read before asking, so the
 * cache can refuse a fetched value that an event handled meanwhile may have outdated.
 */
export function createStoresLookups({
  cache,
  directory,
}: {
  cache: StoresCache;
  directory: StoresDirectory;
}): StoresLookups {
  const product = async (id: string) => {
    const cached = await cache.findProduct(id);
    if (cached) return cached;
    const since = await cache.now();
    const found = await directory.findProduct(id);
    if (!found) throw productNotFound(id);
    await cache.rememberProduct(found, since);
    return found;
  };

  const store = async (id: string) => {
    const cached = await cache.findStore(id);
    if (cached) return cached;
    const since = await cache.now();
    const found = await directory.findStore(id);
    if (!found) throw storeNotFound(id);
    await cache.rememberStore(found, since);
    return found;
  };

  return {
    async productWithStore(productId) {
      const found = await product(productId);
      return { product: found, store: await store(found.storeId) };
    },
  };
}
