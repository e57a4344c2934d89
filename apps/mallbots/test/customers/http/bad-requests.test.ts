import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  BODY_LIMIT,
  type CustomersHost,
  expectProblem,
  type Method,
  startCustomersHost,
  unknownId,
} from '../support/host.js';

interface Route {
  method: Method;
  /** With `:id` for the path parameter, if any. */
  path: string;
  /** A valid body, for routes that take one. */
  body?: Record<string, unknown>;
}

/** Every Customers route. */
const routes: Route[] = [
  { method: 'POST', path: '/api/customers', body: { name: 'Ada', smsNumber: '+15551234567' } },
  { method: 'GET', path: '/api/customers/:id' },
  { method: 'PUT', path: '/api/customers/:id/enable' },
  { method: 'PUT', path: '/api/customers/:id/disable' },
  { method: 'PUT', path: '/api/customers/:id/change-sms', body: { smsNumber: '+15557654321' } },
];
const withBody = routes.filter((route): route is Required<Route> => route.body !== undefined);
const withId = routes.filter((route) => route.path.includes('/:id'));
const at = (path: string, id: string = unknownId()) => path.replace(':id', id);
const label = (route: Route) => `${route.method} ${route.path}`;

describe.each(testDatabases)('Customers API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: CustomersHost;
  beforeAll(async () => {
    api = await startCustomersHost(backend);
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
      for (const field of Object.keys(route.body)) {
        for (const wrong of [42, true, null, ['+15551234567'], { n: 1 }]) {
          const response = await api.call(route.method, at(route.path), { ...route.body, [field]: wrong });
          expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
        }
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
      for (const field of Object.keys(route.body)) {
        const response = await api.call(route.method, at(route.path), {
          ...route.body,
          [field]: '1'.repeat(1001),
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
        payload: 'name=Ada',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectProblem(response, 415, { code: 'unsupported_media_type' });
    });
  });

  it.each(withId.map((route) => [label(route), route] as const))(
    '%s refuses a malformed id, naming params.id',
    async (_label, route) => {
      for (const id of ['not-a-uuid', '123', `${unknownId()}x`]) {
        const response = await api.call(route.method, at(route.path, id), route.body);
        expectProblem(response, 400, { code: 'invalid_request', field: 'params.id' });
      }
    },
  );

  it.each(withId.map((route) => [label(route), route] as const))(
    '%s answers 404 for an unknown id',
    async (_label, route) => {
      expectProblem(await api.call(route.method, at(route.path), route.body), 404, {
        code: 'customer_not_found',
        detail: 'customer with that ID does not exist',
      });
    },
  );

  it('answers an unknown method with 404', async () => {
    expectProblem(await api.host.http.inject({ method: 'PATCH', url: '/api/customers' }), 404, {
      code: 'no_route',
    });
  });
});
