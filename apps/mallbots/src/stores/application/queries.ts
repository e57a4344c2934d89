import { found, type Page, type PageRequest } from '@tessera/platform/ddd';
import { productNotFound } from '../domain/product.js';
import { storeNotFound } from '../domain/store.js';
import type { CatalogProduct, CatalogRepository, MallRepository, MallStore } from './ports.js';

export interface StoresQueries {
  getStore(input: { id: string }): Promise<MallStore>;
  getStores(page: PageRequest): Promise<Page<MallStore>>;
  getParticipatingStores(page: PageRequest): Promise<Page<MallStore>>;
  getCatalog(input: { storeId: string }, page: PageRequest): Promise<Page<CatalogProduct>>;
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

    getStores: (page) => mall.list({ participatingOnly: false }, page),

    getParticipatingStores: (page) => mall.list({ participatingOnly: true }, page),

    async getCatalog({ storeId }, page) {
      // An unknown store is an error, not an empty catalog: the caller most likely has a wrong id.
      if (!(await mall.find(storeId))) throw storeNotFound();
      return catalog.catalogOf(storeId, page);
    },

    getProduct: async ({ id }) => found(await catalog.find(id), productNotFound),
  };
}
