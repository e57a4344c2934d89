import type { AggregateStore } from '@tessera/platform/ddd';
import * as Basket from '../domain/basket.js';
import type { StoresLookups } from './lookups.js';
import type { CustomersDirectory } from './ports.js';

export interface BasketsCommandDependencies {
  /** The baskets' event store, which writes a save's integration messages in its transaction (the outbox). */
  readonly baskets: AggregateStore<Basket.State, Basket.Event>;
  readonly lookups: StoresLookups;
  readonly customers: CustomersDirectory;
  /** Ids of new baskets (UUID v4). */
  readonly newId: () => string;
}

export interface BasketsCommands {
  startBasket(input: { customerId: string }): Promise<{ id: string }>;
  addItem(input: { id: string; productId: string; quantity: number }): Promise<void>;
  removeItem(input: { id: string; productId: string; quantity: number }): Promise<void>;
  cancelBasket(input: { id: string }): Promise<void>;
  checkoutBasket(input: { id: string; paymentId: string }): Promise<void>;
}

/**
 * Each command loads its basket, lets the domain decide, and appends the outcome and its integration messages
 * in one transaction. Looking up a product (which may call Stores over RPC) or a customer (Customers) happens
 * before, outside any transaction: a connection is never held across a network call.
 */
export function createBasketsCommands({
  baskets,
  lookups,
  customers,
  newId,
}: BasketsCommandDependencies): BasketsCommands {
  return {
    async startBasket({ customerId }) {
      // A blank id is the domain's to refuse, and costs no call to Customers.
      const registered =
        customerId.trim() !== '' && (await customers.findCustomer(customerId.trim())) !== undefined;
      const id = newId();
      await baskets.update(id, (state) => Basket.start(state, { customerId, registered }));
      return { id };
    },

    async addItem({ id, productId, quantity }) {
      // Refuse an unknown or closed basket, or a bad quantity, before asking anyone about the product.
      Basket.checkItemChange((await baskets.load(id)).state, { quantity });
      const { product, store } = await lookups.productWithStore(productId);
      await baskets.update(id, (state) => Basket.addItem(state, { product, store, quantity }));
    },

    async removeItem({ id, productId, quantity }) {
      await baskets.update(id, (state) => Basket.removeItem(state, { productId, quantity }));
    },

    async cancelBasket({ id }) {
      await baskets.update(id, Basket.cancel);
    },

    async checkoutBasket({ id, paymentId }) {
      await baskets.update(id, (state) => Basket.checkout(state, { paymentId }));
    },
  };
}
