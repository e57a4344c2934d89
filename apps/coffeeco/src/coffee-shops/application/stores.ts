import { found, type Page, type PageRequest } from '@tessera/platform/ddd';
import { Money, USD } from '../domain/money.js';
import { product } from '../domain/product.js';
import {
  giveDiscount,
  openStore,
  type Quote,
  quote,
  type Store,
  sell,
  storeNotFound,
} from '../domain/store.js';
import type { StoreRegister } from './ports.js';

/**
 * Store managers open stores, say what each sells and its discount; anyone logged in reads them, and a till
 * asks what a sale will cost.
 */
export function createStores({ stores, newId }: { stores: StoreRegister; newId: () => string }) {
  const change = async (id: string, how: (store: Store) => Store) =>
    found(await stores.update(id, how), storeNotFound);
  return {
    async open({ location }: { location: string }): Promise<{ id: string }> {
      const store = openStore({ ID: newId(), Location: location });
      await stores.add(store);
      return { id: store.ID };
    },

    /** What the store sells from now on (each price in US cents); purchases already made keep their prices. */
    sell: (id: string, products: readonly { itemName: string; basePriceCents: number }[]) =>
      change(id, (store) =>
        sell(
          store,
          products.map(({ itemName, basePriceCents }) => product(itemName, Money.of(basePriceCents, USD))),
        ),
      ),

    giveDiscount: (id: string, percent: number) => change(id, (store) => giveDiscount(store, percent)),

    get: async (id: string): Promise<Store> => found(await stores.find(id), storeNotFound),

    list: (page: PageRequest): Promise<Page<Store>> => stores.list(page),

    /** What these items cost at the store now, with its discount: what a till shows before it takes payment. */
    getQuote: async (id: string, itemNames: readonly string[]): Promise<Quote> =>
      quote(found(await stores.find(id), storeNotFound), itemNames),
  };
}

export type Stores = ReturnType<typeof createStores>;
