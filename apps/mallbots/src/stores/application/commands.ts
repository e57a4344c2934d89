import type { AggregateStore } from '@tessera/platform/ddd';
import * as Product from '../domain/product.js';
import * as Store from '../domain/store.js';

export interface StoresCommandDependencies {
  readonly stores: AggregateStore<Store.State, Store.Event>;
  readonly products: AggregateStore<Product.State, Product.Event>;
  /** Ids of new stores and products (UUID v4). */
  readonly newId: () => string;
}

export interface StoresCommands {
  createStore(input: { name: string; location: string }): Promise<{ id: string }>;
  enableParticipation(input: { id: string }): Promise<void>;
  disableParticipation(input: { id: string }): Promise<void>;
  rebrandStore(input: { id: string; name: string }): Promise<void>;
  addProduct(input: {
    storeId: string;
    name: string;
    description: string;
    sku: string;
    priceCents: number;
  }): Promise<{ id: string }>;
  rebrandProduct(input: { id: string; name: string; description: string }): Promise<void>;
  increaseProductPrice(input: { id: string; priceCents: number }): Promise<void>;
  decreaseProductPrice(input: { id: string; priceCents: number }): Promise<void>;
  removeProduct(input: { id: string }): Promise<void>;
}

/** Each command loads its aggregate, lets the domain decide, and appends the outcome in one transaction. */
export function createStoresCommands({ stores, products, newId }: StoresCommandDependencies): StoresCommands {
  return {
    async createStore(input) {
      const id = newId();
      await stores.update(id, (state) => Store.create(state, input));
      return { id };
    },

    async enableParticipation({ id }) {
      await stores.update(id, Store.enableParticipation);
    },

    async disableParticipation({ id }) {
      await stores.update(id, Store.disableParticipation);
    },

    async rebrandStore({ id, name }) {
      await stores.update(id, (state) => Store.rebrand(state, { name }));
    },

    async addProduct({ storeId, ...product }) {
      // Stores are never deleted, so a store seen to exist here still exists when the product is appended.
      const store = await stores.load(storeId);
      const id = newId();
      await products.update(id, (state) =>
        Product.add(state, { ...product, store: { id: storeId, state: store.state } }),
      );
      return { id };
    },

    async rebrandProduct({ id, name, description }) {
      await products.update(id, (state) => Product.rebrand(state, { name, description }));
    },

    async increaseProductPrice({ id, priceCents }) {
      await products.update(id, (state) => Product.increasePrice(state, { priceCents }));
    },

    async decreaseProductPrice({ id, priceCents }) {
      await products.update(id, (state) => Product.decreasePrice(state, { priceCents }));
    },

    async removeProduct({ id }) {
      await products.update(id, Product.remove);
    },
  };
}
