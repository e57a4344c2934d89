import type { AggregateStore } from '@tessera/platform/ddd';
import type { BasketCheckout } from '../contract/checkouts.js';
import * as Basket from '../domain/basket.js';

export interface BasketView extends Basket.State {
  readonly id: string;
  readonly totalCents: number;
}

export interface BasketsQueries {
  getBasket(input: { id: string }): Promise<BasketView>;
  /** The basket's checkout, as its message carries it; undefined unless it was checked out. */
  findCheckout(input: { id: string }): Promise<BasketCheckout | undefined>;
}

/** Baskets have no read model: a basket is read from its stream (and snapshot), as the spec's GetBasket does. */
export function createBasketsQueries({
  baskets,
}: {
  baskets: Pick<AggregateStore<Basket.State, Basket.Event>, 'load'>;
}): BasketsQueries {
  return {
    async getBasket({ id }) {
      const { state } = await baskets.load(id);
      if (state.status === 'unknown') throw Basket.basketNotFound();
      return { id, ...state, totalCents: Basket.totalCents(state) };
    },
    async findCheckout({ id }) {
      const { state } = await baskets.load(id);
      return Basket.checkoutOf(id, state);
    },
  };
}
