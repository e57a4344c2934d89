import { type StoresSources, storesReadThrough } from '../../stores/contract/stores-copies.js';
import { productNotFound, storeNotFound } from '../domain/basket.js';
import type { ProductInfo, StoreInfo } from './ports.js';

export interface StoresLookups {
  /** The product and its store: from the caches, else from Stores (then cached). 404 when Stores knows neither. */
  productWithStore(productId: string): Promise<{ product: ProductInfo; store: StoreInfo }>;
}

/** Cache first, Stores on a miss (spec §3.2 "fallback semantics"). */
export function createStoresLookups(copies: StoresSources<StoreInfo, ProductInfo>): StoresLookups {
  const { store, product } = storesReadThrough(copies, { store: storeNotFound, product: productNotFound });

  return {
    async productWithStore(productId) {
      const found = await product(productId);
      return { product: found, store: await store(found.storeId) };
    },
  };
}
