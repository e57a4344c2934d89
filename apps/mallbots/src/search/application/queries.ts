import { notFound, type Page, type PageRequest } from '@tessera/platform/ddd';
import type {
  AsOf,
  Keyset,
  OrderFilters,
  OrderPage,
  OrderSearch,
  OrderTrackings,
  OrderTrackingView,
  OrderView,
  TrackingFilter,
} from './ports.js';

export interface SearchQueries {
  searchOrders(input: { filters: OrderFilters; next?: Keyset; limit: number }): Promise<OrderPage>;
  getOrder(input: { id: string }): Promise<OrderView>;
  /** Orders as their customers watch them, newest placed first, with the position they were read at. */
  listTrackings(input: { filter: TrackingFilter; page: PageRequest }): Promise<AsOf<Page<OrderTrackingView>>>;
  getTracking(input: { id: string }): Promise<AsOf<OrderTrackingView>>;
  /** The orders changed after a position, in increasing position (a live feed's next events). */
  trackingChanges(input: {
    filter: TrackingFilter;
    after: number;
    limit: number;
  }): Promise<OrderTrackingView[]>;
  trackingPosition(): Promise<number>;
}

export const orderNotFound = (id: string) => notFound('order_not_found', `no order ${id} is known to search`);

/** Reads only the read models: a query never calls another context. */
export function createSearchQueries({
  orders,
  trackings,
}: {
  orders: OrderSearch;
  trackings: OrderTrackings;
}): SearchQueries {
  return {
    searchOrders: ({ filters, next, limit }) => orders.search(filters, next, limit),
    async getOrder({ id }) {
      const order = await orders.find(id);
      if (!order) throw orderNotFound(id);
      return order;
    },
    listTrackings: ({ filter, page }) => trackings.list(filter, page),
    async getTracking({ id }) {
      const found = await trackings.find(id);
      if (!found.value) throw orderNotFound(id);
      return { ...found, value: found.value };
    },
    trackingChanges: ({ filter, after, limit }) => trackings.changedAfter(filter, after, limit),
    trackingPosition: () => trackings.position(),
  };
}
