import { notFound } from '@tessera/platform/ddd';
import { type StoresSources, storesReadThrough } from '../../stores/contract/stores-copies.js';
import type { ResolvedItem } from '../domain/shopping-list.js';
import type { ProductInfo, StoreInfo } from './ports.js';

export interface StoresLookups {
  /** The item's store and product: from the caches, else from Stores (then cached). 404 naming the unknown id. */
  resolve(item: { storeId: string; productId: string; quantity: number }): Promise<ResolvedItem>;
}

export const storeNotFound = (id: string) => notFound('store_not_found', `the store ${id} is not known`);
export const productNotFound = (id: string) =>
  notFound('product_not_found', `the product ${id} is not known`);

/** Cache first, Stores on a miss (spec §3.4, D-5). */
export function createStoresLookups(copies: StoresSources<StoreInfo, ProductInfo>): StoresLookups {
  const { store, product } = storesReadThrough(copies, { store: storeNotFound, product: productNotFound });

  return {
    async resolve({ storeId, productId, quantity }) {
      return { store: await store(storeId), product: await product(productId), quantity };
    },
  };
}
