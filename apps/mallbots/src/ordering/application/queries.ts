import type { AggregateStore } from '@tessera/platform/ddd';
import * as Order from '../domain/order.js';

export interface OrderView extends Order.State {
  readonly id: string;
  readonly totalCents: number;
}

export interface OrderingQueries {
  getOrder(input: { id: string }): Promise<OrderView>;
}

/** Orders have no read model of their own here: an order is read from its stream (and snapshot). */
export function createOrderingQueries({
  orders,
}: {
  orders: Pick<AggregateStore<Order.State, Order.Event>, 'load'>;
}): OrderingQueries {
  return {
    async getOrder({ id }) {
      const { state } = await orders.load(id);
      if (state.status === 'unknown') throw Order.orderNotFound();
      return { id, ...state, totalCents: Order.totalCents(state) };
    },
  };
}
