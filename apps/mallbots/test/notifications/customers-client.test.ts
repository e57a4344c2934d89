import { randomUUID } from 'node:crypto';
import type { Services } from '@tessera/platform/runtime';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersHttpClient, customersServiceFor } from '../../src/customers/contract/customers-client.js';
import {
  CUSTOMERS_SERVICE,
  type CustomersService,
  CustomersUnavailableError,
} from '../../src/customers/contract/customers-service.js';
import { createCustomersModule } from '../../src/customers/module.js';

const HOST_START_MS = 60_000;

const answering =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

// The contract other modules (Notifications, Search) ask Customers through: over REST, or in this process.
describe('the Customers client, against a Customers host on pglite', () => {
  let api: TestHost;
  let customerId: string;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [createCustomersModule()]);
    const response = await api.call('POST', '/api/customers', { name: 'Ada', smsNumber: '+1 555 123 4567' });
    customerId = response.json<{ id: string }>().id;
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const summary = () => ({ id: customerId, name: 'Ada', smsNumber: '+15551234567', enabled: true });

  it('finds a customer over REST, and answers undefined for an unknown one', async () => {
    const client = customersHttpClient({ baseUrl: () => `${api.host.url}/` });
    expect(await client.findCustomer(customerId)).toEqual(summary());
    expect(await client.findCustomer(randomUUID())).toBeUndefined();
  });

  it('customersServiceFor asks the Customers of this process when it runs here, else the API', async () => {
    const asked: string[] = [];
    const local: CustomersService = {
      findCustomer: async (id) => {
        asked.push(id);
        return { ...summary(), name: 'local' };
      },
    };
    const provided = (service: CustomersService | undefined): Services => ({
      provide: () => {},
      find: <S>(name: string) => (name === CUSTOMERS_SERVICE ? (service as S) : undefined),
    });
    const here = customersServiceFor({
      services: provided(local),
      customersUrl: undefined,
      selfUrl: () => 'http://127.0.0.1:1',
    });
    expect((await here.findCustomer(customerId))?.name).toBe('local');
    expect(asked).toEqual([customerId]);

    // Not running here: this host's own API.
    const self = customersServiceFor({
      services: provided(undefined),
      customersUrl: undefined,
      selfUrl: () => api.host.url,
    });
    expect(await self.findCustomer(customerId)).toEqual(summary());

    // An address given: Customers runs there, whatever this process provides.
    const remote = customersServiceFor({
      services: provided(local),
      customersUrl: api.host.url,
      selfUrl: () => 'http://127.0.0.1:1',
    });
    expect(await remote.findCustomer(customerId)).toEqual(summary());
    expect(asked).toHaveLength(1);
  });

  it.each([
    ['a 500', answering(500, { title: 'oops' }), /answered 500/],
    ['a body that is not an answer', answering(200, { customer: { id: 'x' } }), /unexpected body/],
    ['a body that is not JSON', answering(200, '<html>'), /unexpected body/],
    [
      'no connection',
      (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
      /could not be reached/,
    ],
  ])('throws CustomersUnavailableError for %s', async (_what, fetch, message) => {
    const client = customersHttpClient({ baseUrl: () => 'http://customers.invalid', fetch });
    const error = await client.findCustomer(randomUUID()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CustomersUnavailableError);
    expect((error as Error).message).toMatch(message);
  });

  it('throws CustomersUnavailableError when the address is not a URL', async () => {
    const client = customersHttpClient({ baseUrl: () => 'not a url' });
    await expect(client.findCustomer(randomUUID())).rejects.toBeInstanceOf(CustomersUnavailableError);
  });
});
