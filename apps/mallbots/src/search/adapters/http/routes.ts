import { toCents } from '@tessera/platform/ddd';
import type { HttpServer } from '@tessera/platform/http';
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

const DEFAULT_LIMIT = 20;

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
  http.post(
    '/api/search/orders',
    {
      schema: {
        tags,
        operationId: 'searchOrders',
        summary: 'Search orders by customer, time placed, stores, products, total and status; newest first',
        description:
          'Pages with an opaque keyset cursor: pass `next` back to get the following page. Orders placed ' +
          'meanwhile never shift a page.',
        body: searchBody,
        response: { 200: searchResponse, 400: problems.badRequest, 413: problems.tooLarge },
      },
    },
    async (request) => {
      const body = request.body;
      const next = body.next === undefined ? undefined : decodeCursor(body.next);
      const page = await queries.searchOrders({
        filters: filtersOf(body),
        ...(next ? { next } : {}),
        limit: body.limit ?? DEFAULT_LIMIT,
      });
      return {
        orders: page.orders.map(toOrderDto),
        ...(page.next ? { next: encodeCursor(page.next) } : {}),
      };
    },
  );

  http.get(
    '/api/search/orders/:id',
    {
      schema: {
        tags,
        operationId: 'getSearchOrder',
        summary: 'Get an order as search shows it: names, items, total and status',
        params: idParams,
        response: { 200: orderResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  );
}
