import { PAGE_LIMIT_DEFAULT, toCents } from '@tessera/platform/ddd';
import { type HttpServer, restRoutes } from '@tessera/platform/http';
import type { SearchQueries } from '../../application/queries.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import {
  idParams,
  orderResponse,
  problems,
  type SearchBody,
  searchBody,
  searchResponse,
  tags,
  toOrderDto,
} from './schemas.js';

const filtersOf = ({ filters = {} }: SearchBody) => ({
  ...(filters.customerId === undefined ? {} : { customerId: filters.customerId }),
  ...(filters.after === undefined ? {} : { after: new Date(filters.after) }),
  ...(filters.before === undefined ? {} : { before: new Date(filters.before) }),
  ...(filters.storeIds === undefined ? {} : { storeIds: filters.storeIds }),
  ...(filters.productIds === undefined ? {} : { productIds: filters.productIds }),
  ...(filters.minTotal === undefined ? {} : { minTotalCents: toCents(filters.minTotal) }),
  ...(filters.maxTotal === undefined ? {} : { maxTotalCents: toCents(filters.maxTotal) }),
  ...(filters.status === undefined ? {} : { status: filters.status }),
});

/** The REST routes of Search under /api/search (spec §3.8, SE3–SE4). */
export function registerSearchRoutes(http: HttpServer, { queries }: { queries: SearchQueries }) {
  const rest = restRoutes(http, { tags, problems });
  rest.post('/api/search/orders', 'searchOrders', {
    summary: 'Search orders by customer, time placed, stores, products, total and status; newest first',
    description:
      'Pages with an opaque keyset cursor: pass `next` back to get the following page. Orders placed ' +
      'meanwhile never shift a page.',
    body: searchBody,
    ok: searchResponse,
    handler: async ({ body }) => {
      const next = body.next === undefined ? undefined : decodeCursor(body.next);
      const page = await queries.searchOrders({
        filters: filtersOf(body),
        ...(next ? { next } : {}),
        limit: body.limit ?? PAGE_LIMIT_DEFAULT,
      });
      return {
        orders: page.orders.map(toOrderDto),
        ...(page.next ? { next: encodeCursor(page.next) } : {}),
      };
    },
  });

  rest.get('/api/search/orders/:id', 'getSearchOrder', {
    summary: 'Get an order as search shows it: names, items, total and status',
    params: idParams,
    ok: orderResponse,
    handler: async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  });
}
