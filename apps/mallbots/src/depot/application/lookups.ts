import { notFound } from '@tessera/platform/ddd';
import type { ResolvedItem } from '../domain/shopping-list.js';
import type { StoresCache, StoresDirectory } from './ports.js';

export interface StoresLookups {
  /** The item's store and product: from the caches, else from Stores (then cached). 404 naming the unknown id. */
  resolve(item: { storeId: string; productId: string; quantity: number }): Promise<ResolvedItem>;
}

export const storeNotFound = (id: string) => notFound('store_not_found', `the store ${id} is not known`);
export const productNotFound = (id: string) =>
  notFound('product_not_found', `the product ${id} is not known`);

/**
 * Cache first, Stores on a miss (spec §3.4, D-5). The clock is read before asking, so the cache can refuse a
 * fetched value that an event handled meanwhile may have outdated. (The same algorithm as Baskets' look-ups.)
 */
export function createStoresLookups({
  cache,
  directory,
}: {
  cache: StoresCache;
  directory: StoresDirectory;
}): StoresLookups {
  const lookUp =
    <T>(
      cached: (id: string) => Promise<T | undefined>,
      fetch: (id: string) => Promise<T | undefined>,
      remember: (value: T, since: Date) => Promise<void>,
      missing: (id: string) => Error,
    ) =>
    async (id: string): Promise<T> => {
      const hit = await cached(id);
      if (hit) return hit;
      const since = await cache.now();
      const found = await fetch(id);
      if (!found) throw missing(id);
      await remember(found, since);
      return found;
    };

  const product = lookUp(
    (id) => cache.findProduct(id),
    (id) => directory.findProduct(id),
    (found, since) => cache.rememberProduct(found, since),
    productNotFound,
  );
  const store = lookUp(
    (id) => cache.findStore(id),
    (id) => directory.findStore(id),
    (found, since) => cache.rememberStore(found, since),
    storeNotFound,
  );

  return {
    async resolve({ storeId, productId, quantity }) {
      return { store: await store(storeId), product: await product(productId), quantity };
    },
  };
}
