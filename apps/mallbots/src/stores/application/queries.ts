import { found } from '@tessera/platform/ddd';
import { productNotFound } from '../domain/product.js';
import { storeNotFound } from '../domain/store.js';
import type { CatalogProduct, CatalogRepository, MallRepository, MallStore } from './ports.js';

export interface StoresQueries {
  getStore(input: { id: string }): Promise<MallStore>;
  getStores(): Promise<MallStore[]>;
  getParticipatingStores(): Promise<MallStore[]>;
  getCatalog(input: { storeId: string }): Promise<CatalogProduct[]>;
  getProduct(input: { id: string }): Promise<CatalogProduct>;
}

/** Queries read the read models only; they never load aggregates. */
export function createStoresQueries({
  mall,
  catalog,
}: {
  mall: MallRepository;
  catalog: CatalogRepository;
}): StoresQueries {
  return {
    getStore: async ({ id }) => found(await mall.find(id), storeNotFound),

    getStores: () => mall.all(),

    getParticipatingStores: () => mall.allParticipating(),

    async getCatalog({ storeId }) {
      // An unknown store is an error, not an empty catalog: the caller most likely has a wrong id.
      if (!(await mall.find(storeId))) throw storeNotFound();
      return catalog.catalogOf(storeId);
    },

    getProduct: async ({ id }) => found(await catalog.find(id), productNotFound),
  };
}
