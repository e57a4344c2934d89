import { type LocalCopy, readThrough } from '@tessera/platform/ddd';
import type { Envelope, GroupSubscription } from '@tessera/platform/messaging';
import { PRODUCT_CHANNEL, STORE_CHANNEL } from './integration-events.js';

/**
 * For a module that keeps copies of Stores' data in its own terms (its anti-corruption layer): the copies,
 * fed by Stores' integration events and, on a miss, by what Stores answers (a fetched value older than an
 * event handled meanwhile is not kept), and the look-ups through them. Each module has its own `Store` and
 * `Product`, its own tables and its own errors; what they share is here.
 */
export interface StoresCopies<Store, Product> {
  readonly stores: LocalCopy<Store>;
  readonly products: LocalCopy<Product>;
}

/** Stores' public API, asked on a miss. Undefined: Stores does not know the id. */
export interface StoresDirectory<Store, Product> {
  /** Throws StoresUnavailableError when Stores cannot answer. */
  findStore(id: string): Promise<Store | undefined>;
  /** Throws StoresUnavailableError when Stores cannot answer. */
  findProduct(id: string): Promise<Product | undefined>;
}

/** What a module's look-ups read through: its copies, and Stores' API for a miss. */
export interface StoresSources<Store, Product> {
  readonly cache: StoresCopies<Store, Product>;
  readonly directory: StoresDirectory<Store, Product>;
}

/**
 * A store and a product by id: the copy first, Stores on a miss (then copied), through the platform's
 * `readThrough`; `missing` gives the module's error for an id neither knows.
 */
export function storesReadThrough<Store, Product>(
  { cache, directory }: StoresSources<Store, Product>,
  missing: { store: (id: string) => Error; product: (id: string) => Error },
) {
  return {
    store: readThrough(cache.stores, { fetch: (id) => directory.findStore(id), missing: missing.store }),
    product: readThrough(cache.products, {
      fetch: (id) => directory.findProduct(id),
      missing: missing.product,
    }),
  };
}

/** The module's two consumer groups that keep its copies: `<module>-stores` and `<module>-products`. */
export function storesCopyGroups(
  module: string,
  handlers: {
    stores: (message: Envelope) => Promise<void>;
    products: (message: Envelope) => Promise<void>;
  },
): GroupSubscription[] {
  return [
    { group: `${module}-stores`, subject: STORE_CHANNEL, handle: handlers.stores },
    { group: `${module}-products`, subject: PRODUCT_CHANNEL, handle: handlers.products },
  ];
}
