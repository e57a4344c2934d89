import { notFound } from '@tessera/platform/ddd';
import type { Keyset, OrderFilters, OrderPage, OrderSearch, OrderView } from './ports.js';

export interface SearchQueries {
  searchOrders(input: { filters: OrderFilters; next?: Keyset; limit: number }): Promise<OrderPage>;
  getOrder(input: { id: string }): Promise<OrderView>;
}

export const orderNotFound = (id: string) => notFound('order_not_found', `no order ${id} is known to search`);

/** Reads only the read model: a query never calls another context. */
export function createSearchQueries({ orders }: { orders: OrderSearch }): SearchQueries {
  return {
    searchOrders: ({ filters, next, limit }) => orders.search(filters, next, limit),
    async getOrder({ id }) {
      const order = await orders.find(id);
      if (!order) throw orderNotFound(id);
      return order;
    },
  };
}
