import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BODY_LIMIT, expectProblem, type StoresHost, startStoresHost, unknownId } from '../support/host.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Route {
  method: Method;
  /** With `:id` or `:storeId` for the one path parameter, if any. */
  path: string;
  /** A valid body, for routes that take one. */
  body?: Record<string, unknown>;
}

const storeBody = { name: 'Store', location: 'Level 1' };
const productBody = { name: 'Widget', description: 'Useful', sku: 'W-1', price: 1.5 };

/** Every Stores route. */
const routes: Route[] = [
  { method: 'POST', path: '/api/stores', body: storeBody },
  { method: 'GET', path: '/api/stores' },
  { method: 'GET', path: '/api/stores/participating' },
  { method: 'GET', path: '/api/stores/:id' },
  { method: 'PUT', path: '/api/stores/:id/participating' },
  { method: 'DELETE', path: '/api/stores/:id/participating' },
  { method: 'PUT', path: '/api/stores/:id/rebrand', body: { name: 'Store' } },
  { method: 'POST', path: '/api/stores/:storeId/products', body: productBody },
  { method: 'GET', path: '/api/stores/:storeId/products' },
  { method: 'GET', path: '/api/stores/products/:id' },
  { method: 'PUT', path: '/api/stores/products/:id/rebrand', body: { name: 'W', description: 'D' } },
  { method: 'PUT', path: '/api/stores/products/:id/increasePrice', body: { price: 2 } },
  { method: 'PUT', path: '/api/stores/products/:id/decreasePrice', body: { price: 1 } },
  { method: 'DELETE', path: '/api/stores/products/:id' },
];
const withBody = routes.filter((route): route is Required<Route> => route.body !== undefined);
const withId = routes.filter((route) => route.path.includes('/:'));
const paramOf = (path: string) => /:(\w+)/.exec(path)?.[1] ?? '';
const at = (path: string, id: string = unknownId()) => path.replace(/:\w+/, id);
const label = (route: Route) => `${route.method} ${route.path}`;

/** For each body field, a value of the wrong type. */
const wrongTypes = (body: Record<string, unknown>) =>
  Object.entries(body).map(([field, value]) => [field, typeof value === 'number' ? 'cheap' : 42] as const);

describe.each(testDatabases)('Stores API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: StoresHost;
  beforeAll(async () => {
    api = await startStoresHost(backend);
  });
  afterAll(() => api.close());

  describe.each(withBody.map((route) => [label(route), route] as const))('%s', (_label, route) => {
    it('refuses malformed JSON', async () => {
      expectProblem(await api.raw(route.method, at(route.path), '{"name": '), 400, {
        code: 'malformed_json',
        field: 'body',
      });
    });

    it('refuses a body that is not an object', async () => {
      expectProblem(await api.raw(route.method, at(route.path), '[1, 2]'), 400, { code: 'invalid_request' });
    });

    it('refuses unknown fields, naming them', async () => {
      const response = await api.call(route.method, at(route.path), { ...route.body, colour: 'red' });
      expectProblem(response, 400, { code: 'invalid_request', field: 'body.colour' });
    });

    it('refuses each field of the wrong type, naming it', async () => {
      for (const [field, wrong] of wrongTypes(route.body)) {
        const response = await api.call(route.method, at(route.path), { ...route.body, [field]: wrong });
        expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
      }
    });

    it('refuses each missing field, naming it', async () => {
      for (const field of Object.keys(route.body)) {
        const { [field]: _missing, ...rest } = route.body;
        const response = await api.call(route.method, at(route.path), rest);
        expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
      }
    });

    it('refuses text longer than the field allows, naming it', async () => {
      for (const [field, value] of Object.entries(route.body)) {
        if (typeof value !== 'string') continue;
        const response = await api.call(route.method, at(route.path), {
          ...route.body,
          [field]: 'x'.repeat(1001),
        });
        expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
      }
    });

    it(`refuses a body over the limit (${BODY_LIMIT} bytes) with 413`, async () => {
      const huge = JSON.stringify({ ...route.body, padding: 'x'.repeat(BODY_LIMIT) });
      expectProblem(await api.raw(route.method, at(route.path), huge), 413, { code: 'body_too_large' });
    });

    it('refuses a body that is not JSON with 415', async () => {
      const response = await api.host.http.inject({
        method: route.method,
        url: at(route.path),
        payload: 'name=Store',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectProblem(response, 415, { code: 'unsupported_media_type' });
    });
  });

  it.each(withId.map((route) => [label(route), route] as const))(
    '%s refuses a malformed id, naming the parameter',
    async (_label, route) => {
      const response = await api.call(route.method, at(route.path, 'not-a-uuid'), route.body);
      expectProblem(response, 400, { code: 'invalid_request', field: `params.${paramOf(route.path)}` });
    },
  );

  it.each(withId.map((route) => [label(route), route] as const))(
    '%s answers 404 for an unknown id',
    async (_label, route) => {
      const response = await api.call(route.method, at(route.path), route.body);
      const expected = route.path.includes('/products/:id') ? 'product_not_found' : 'store_not_found';
      expectProblem(response, 404, { code: expected });
    },
  );

  it('refuses prices with more than 2 decimal places on every price route', async () => {
    for (const route of withBody.filter((r) => 'price' in r.body)) {
      const response = await api.call(route.method, at(route.path), { ...route.body, price: 0.125 });
      expectProblem(response, 400, { code: 'invalid_request', field: 'body.price' });
    }
  });

  it('takes GET /api/stores/products for a malformed store id, and answers an unknown method with 404', async () => {
    expectProblem(await api.call('GET', '/api/stores/products'), 400, { field: 'params.id' });
    expectProblem(await api.host.http.inject({ method: 'PATCH', url: '/api/stores' }), 404, {
      code: 'no_route',
    });
  });
});
