import { PAGE_LIMIT_DEFAULT, toCents } from '@tessera/platform/ddd';
import { type HttpServer, ownerFrom, restRoutes } from '@tessera/platform/http';
import { customersRoles } from '../../../customers/contract/roles.js';
import { depotRoles } from '../../../depot/contract/roles.js';
import { storesRoles } from '../../../stores/contract/roles.js';
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
  const staff = [depotRoles.depotStaff, storesRoles.storeManager];
  rest.post('/api/search/orders', 'searchOrders', {
    audience: { roles: [customersRoles.customer, ...staff], owner: 'listed by the handler' },
    summary: 'Search orders by customer, time placed, stores, products, total and status; newest first',
    description:
      'Pages with an opaque keyset cursor: pass `next` back to get the following page. Orders placed ' +
      'meanwhile never shift a page.',
    body: searchBody,
    ok: searchResponse,
    handler: async ({ body, ownOnly, principal }) => {
      const next = body.next === undefined ? undefined : decodeCursor(body.next);
      const page = await queries.searchOrders({
        // A customer finds only their own orders, whatever customer the filter names.
        filters: { ...filtersOf(body), ...(ownOnly && principal && { customerId: principal.subject }) },
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
    audience: {
      roles: [customersRoles.customer, ...staff],
      owner: ownerFrom(
        async (request: { params: { id: string } }) => (await queries.getOrder(request.params)).customerId,
      ),
    },
    summary: 'Get an order as search shows it: names, items, total and status',
    params: idParams,
    ok: orderResponse,
    handler: async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  });
}
