import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { anyone } from '@tessera/platform/identity';
import { createLogger } from '@tessera/platform/observability';
import { createRpcServer, type RpcServer } from '@tessera/platform/rpc';
import type { Services } from '@tessera/platform/runtime';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customersRpcClient, customersServiceFor } from '../../src/customers/contract/customers-client.js';
import {
  CUSTOMERS_SERVICE,
  type CustomersService,
  CustomersUnavailableError,
} from '../../src/customers/contract/customers-service.js';
import { CustomersService as CustomersRpc } from '../../src/customers/contract/gen/mallbots/customers/v1/customers_pb.js';
import { createCustomersModule } from '../../src/customers/module.js';

const HOST_START_MS = 60_000;
const logger = createLogger({ level: 'silent', format: 'json' });

/** A Customers RPC port that answers as the test says. */
async function fakeCustomers(implementation: Partial<ServiceImpl<typeof CustomersRpc>>) {
  const server = createRpcServer({ logger });
  server.registrar.service(CustomersRpc, implementation, { audience: anyone });
  const port = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}` };
}

const provided = (service: CustomersService | undefined): Services => ({
  provide: () => {},
  find: <S>(name: string) => (name === CUSTOMERS_SERVICE ? (service as S) : undefined),
});

// The contract other modules (Notifications, Search) ask Customers through: over RPC, or in this process.
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

  it('finds a customer over RPC, and answers undefined for an unknown one (NOT_FOUND)', async () => {
    const client = customersRpcClient({ baseUrl: api.host.rpcUrl!, logger, token: api.host.serviceToken });
    expect(await client.findCustomer(customerId)).toEqual(summary());
    expect(await client.findCustomer(customerId.toUpperCase())).toEqual(summary());
    expect(await client.findCustomer(randomUUID())).toBeUndefined();
  });

  it('is refused without the service token: UNAUTHENTICATED, or PERMISSION_DENIED for a customer', async () => {
    const anonymous = customersRpcClient({ baseUrl: api.host.rpcUrl!, logger, caller: 'anonymous' });
    const unauthenticated = await anonymous.findCustomer(customerId).catch((thrown: unknown) => thrown);
    expect(unauthenticated).toBeInstanceOf(CustomersUnavailableError);
    expect((unauthenticated as Error).message).toMatch(/Unauthenticated: this service needs a credential/);
    const customer = customersRpcClient({
      baseUrl: api.host.rpcUrl!,
      logger,
      caller: 'customer',
      token: () => api.tokenFor({ subject: customerId, roles: ['customer'] }),
    });
    const denied = await customer.findCustomer(customerId).catch((thrown: unknown) => thrown);
    expect(denied).toBeInstanceOf(CustomersUnavailableError);
    expect((denied as Error).message).toMatch(/PermissionDenied: your roles do not admit this service/);
  });

  it('throws CustomersUnavailableError for an id Customers refuses (INVALID_ARGUMENT), asking once', async () => {
    const client = customersRpcClient({ baseUrl: api.host.rpcUrl!, logger, token: api.host.serviceToken });
    const error = await client.findCustomer('not-a-uuid').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CustomersUnavailableError);
    expect((error as Error).message).toMatch(/InvalidArgument: id must be a UUID/);
  });

  it('customersServiceFor asks the Customers of this process when it runs here, else RPC_SERVICES', async () => {
    const asked: string[] = [];
    const local: CustomersService = {
      findCustomer: async (id) => {
        asked.push(id);
        return { ...summary(), name: 'local' };
      },
    };
    const rpcServices = new Map([['customers', api.host.rpcUrl!]]);
    const serviceToken = api.host.serviceToken!;
    const here = customersServiceFor({
      services: provided(local),
      rpcServices,
      serviceToken,
      logger,
      caller: 'test',
    });
    expect((await here.findCustomer(customerId))?.name).toBe('local');
    expect(asked).toEqual([customerId]);

    const remote = customersServiceFor({
      services: provided(undefined),
      rpcServices,
      serviceToken,
      logger,
      caller: 'test',
    });
    expect(await remote.findCustomer(customerId)).toEqual(summary());
    expect(asked).toHaveLength(1);
  });

  it('customersServiceFor throws CustomersUnavailableError when Customers is neither here nor named', async () => {
    const nowhere = customersServiceFor({
      services: provided(undefined),
      rpcServices: new Map([['stores', api.host.rpcUrl!]]),
      serviceToken: api.host.serviceToken!,
      logger,
      caller: 'test',
    });
    const error = await nowhere.findCustomer(customerId).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CustomersUnavailableError);
    expect((error as Error).message).toBe(
      'Customers is not in this process and RPC_SERVICES names no address for it',
    );
  });
});

describe('the Customers RPC client when Customers cannot answer', () => {
  let fake: { server: RpcServer; url: string } | undefined;
  afterEach(async () => {
    await fake?.server.close(0);
    fake = undefined;
  });

  const fails = async (baseUrl: string, maxAttempts = 1) => {
    const client = customersRpcClient({ baseUrl, logger, maxAttempts, baseBackoffMs: 1 });
    const error = await client.findCustomer(randomUUID()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CustomersUnavailableError);
    return (error as Error).message;
  };

  it('throws CustomersUnavailableError for an INTERNAL answer, asking once', async () => {
    let asked = 0;
    fake = await fakeCustomers({
      async getCustomer() {
        asked++;
        throw new Error('oops');
      },
    });
    expect(await fails(fake.url, 3)).toMatch(/Internal/);
    expect(asked).toBe(1);
  });

  it('retries UNAVAILABLE, then throws CustomersUnavailableError', async () => {
    let asked = 0;
    fake = await fakeCustomers({
      async getCustomer() {
        asked++;
        throw new ConnectError('busy', Code.Unavailable);
      },
    });
    expect(await fails(fake.url, 3)).toMatch(/Unavailable: busy/);
    expect(asked).toBe(3);
  });

  it('throws CustomersUnavailableError for an answer without the customer', async () => {
    fake = await fakeCustomers({ getCustomer: async () => ({}) });
    expect(await fails(fake.url)).toMatch(/without the customer/);
  });

  it('throws CustomersUnavailableError when nothing listens at the address', async () => {
    const gone = await fakeCustomers({});
    await gone.server.close(0);
    expect(await fails(gone.url, 2)).toMatch(/Unavailable/);
  });
});
