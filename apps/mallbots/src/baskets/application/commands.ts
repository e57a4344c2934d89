import * as Basket from '../domain/basket.js';
import type { StoresLookups } from './lookups.js';
import type { AggregateStore, IntegrationOutbox, UnitOfWork } from './ports.js';

export interface BasketsCommandDependencies {
  readonly db: UnitOfWork;
  readonly baskets: AggregateStore<Basket.State, Basket.Event>;
  readonly lookups: StoresLookups;
  readonly outbox: IntegrationOutbox;
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
 * in one transaction. Looking up a product (which may call Stores over HTTP) happens before, outside any
 * transaction: a connection is never held across a network call.
 */
export function createBasketsCommands({
  db,
  baskets,
  lookups,
  outbox,
  newId,
}: BasketsCommandDependencies): BasketsCommands {
  const update = (id: string, decide: (state: Basket.State) => readonly Basket.Event[]) =>
    db.transaction(async () => {
      const saved = await baskets.update(id, decide);
      await outbox.publish(id, saved.state, saved.events);
    });

  return {
    async startBasket(input) {
      const id = newId();
      await update(id, (state) => Basket.start(state, input));
      return { id };
    },

    async addItem({ id, productId, quantity }) {
      // Refuse an unknown or closed basket, or a bad quantity, before asking anyone about the product.
      Basket.checkItemChange((await baskets.load(id)).state, { quantity });
      const { product, store } = await lookups.productWithStore(productId);
      await update(id, (state) => Basket.addItem(state, { product, store, quantity }));
    },

    removeItem: ({ id, productId, quantity }) =>
      update(id, (state) => Basket.removeItem(state, { productId, quantity })),

    cancelBasket: ({ id }) => update(id, Basket.cancel),

    checkoutBasket: ({ id, paymentId }) => update(id, (state) => Basket.checkout(state, { paymentId })),
  };
}
