import type { AggregateStore } from '@tessera/platform/ddd';
import * as Order from '../domain/order.js';
import type { BasketCheckouts } from './ports.js';

export interface OrderView extends Omit<Order.State, 'status'> {
  readonly id: string;
  /** `placing`: its basket is checked out, and Ordering has not made the order from it yet. */
  readonly status: Order.Status | 'placing';
  readonly totalCents: number;
}

export interface OrderingQueries {
  getOrder(input: { id: string }): Promise<OrderView>;
}

/**
 * Orders have no read model of their own here: an order is read from its stream (and snapshot). One Ordering
 * has not made yet is asked of Baskets: a checked-out basket is an order being placed, never "not found".
 */
export function createOrderingQueries({
  orders,
  checkouts,
}: {
  orders: Pick<AggregateStore<Order.State, Order.Event>, 'load'>;
  checkouts: BasketCheckouts;
}): OrderingQueries {
  return {
    async getOrder({ id }) {
      const { state } = await orders.load(id);
      if (state.status !== 'unknown') return { id, ...state, totalCents: Order.totalCents(state) };
      const checkout = await checkouts.findCheckout(id);
      if (!checkout) throw Order.orderNotFound();
      const placing = { ...state, ...checkout, status: 'placing' as const };
      return { ...placing, id, totalCents: Order.totalCents(placing) };
    },
  };
}
