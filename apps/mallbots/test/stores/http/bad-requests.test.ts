import { describeBadRequests, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectProblem, type StoresHost, startStoresHost, unknownId } from '../support/host.js';

const storeNotFound = { code: 'store_not_found' };
const productNotFound = { code: 'product_not_found' };
const productBody = { name: 'Widget', description: 'Useful', sku: 'W-1', price: 1.5 };
const at = (path: string) => path.replace(/:\w+/, unknownId());

/** Every Stores route. */
const routes = [
  { method: 'POST', path: '/api/stores', body: { name: 'Store', location: 'Level 1' } },
  { method: 'GET', path: '/api/stores' },
  { method: 'GET', path: '/api/stores/participating' },
  { method: 'GET', path: '/api/stores/:id', notFound: storeNotFound },
  { method: 'PUT', path: '/api/stores/:id/participating', notFound: storeNotFound },
  { method: 'DELETE', path: '/api/stores/:id/participating', notFound: storeNotFound },
  { method: 'PUT', path: '/api/stores/:id/rebrand', body: { name: 'Store' }, notFound: storeNotFound },
  { method: 'POST', path: '/api/stores/:storeId/products', body: productBody, notFound: storeNotFound },
  { method: 'GET', path: '/api/stores/:storeId/products', notFound: storeNotFound },
  { method: 'GET', path: '/api/stores/products/:id', notFound: productNotFound },
  {
    method: 'PUT',
    path: '/api/stores/products/:id/rebrand',
    body: { name: 'W', description: 'D' },
    notFound: productNotFound,
  },
  {
    method: 'PUT',
    path: '/api/stores/products/:id/increasePrice',
    body: { price: 2 },
    notFound: productNotFound,
  },
  {
    method: 'PUT',
    path: '/api/stores/products/:id/decreasePrice',
    body: { price: 1 },
    notFound: productNotFound,
  },
  { method: 'DELETE', path: '/api/stores/products/:id', notFound: productNotFound },
] as const;

describe.each(testDatabases)('Stores API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: StoresHost;
  beforeAll(async () => {
    api = await startStoresHost(backend);
  });
  afterAll(() => api.close());

  describeBadRequests(() => api, routes);

  it('refuses prices with more than 2 decimal places on every price route', async () => {
    for (const route of routes.filter((r) => 'body' in r && 'price' in r.body)) {
      const response = await api.call(route.method, at(route.path), {
        ...(route as { body: object }).body,
        price: 0.125,
      });
      expectProblem(response, 400, { code: 'invalid_request', field: 'body.price' });
    }
  });

  it('takes GET /api/stores/products as a store id, and refuses it as malformed', async () => {
    expectProblem(await api.call('GET', '/api/stores/products'), 400, { field: 'params.id' });
  });
});
