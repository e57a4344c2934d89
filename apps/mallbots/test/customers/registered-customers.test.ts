import { type Host, startHost } from '@tessera/platform/runtime';
import {
  authBeside,
  authorizationFor,
  expectProblem,
  type OpenedTestDatabase,
  pgliteTestDatabase,
  startTestHost,
  type TestHost,
  testConfig,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasketsModule } from '../../src/baskets/module.js';
import { createCustomersModule } from '../../src/customers/module.js';
import { createPaymentsModule } from '../../src/payments/module.js';

const HOST_START_MS = 120_000;

type Call = (method: 'POST' | 'PUT', url: string, body?: object) => ReturnType<TestHost['call']>;

/** What Baskets and Payments answer for a customer, registered or not, however they reach Customers. */
function expectOnlyRegisteredCustomers(call: () => Call, customer: () => Promise<string>) {
  it('start a basket and authorize a payment for a registered customer', async () => {
    const customerId = await customer();
    expect((await call()('POST', '/api/baskets', { customerId })).statusCode).toBe(201);
    expect((await call()('POST', '/api/payments', { customerId, amountCents: 500 })).statusCode).toBe(201);
  });

  it('refuse a customer Customers does not know, naming body.customerId', async () => {
    const customerId = unknownId();
    for (const [path, body] of [
      ['/api/baskets', { customerId }],
      ['/api/payments', { customerId, amountCents: 500 }],
    ] as const) {
      expectProblem(await call()('POST', path, body), 400, {
        code: 'customer_not_registered',
        detail: 'no customer is registered with that ID',
        field: 'body.customerId',
      });
    }
  });
}

describe('Baskets and Payments take only registered customers, on pglite', () => {
  let mall: TestHost;
  const register = async () => {
    const response = await mall.call('POST', '/api/customers', { name: 'Ada', smsNumber: '+15551234567' });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  beforeAll(async () => {
    mall = await startTestHost(pgliteTestDatabase, [
      createCustomersModule(),
      createPaymentsModule(),
      createBasketsModule(),
    ]);
  }, HOST_START_MS);
  afterAll(() => mall?.close());

  describe('asking the Customers of their process', () => {
    expectOnlyRegisteredCustomers(() => mall.call as Call, register);
  });

  describe('asking Customers over RPC, from a process of their own', () => {
    let opened: OpenedTestDatabase;
    let alone: Host;
    let headers: { authorization: string };
    beforeAll(async () => {
      opened = await pgliteTestDatabase.open();
      alone = await startHost({
        name: 'Kiosk',
        version: 'test',
        modules: [createPaymentsModule(), createBasketsModule()],
        db: opened.db,
        bootstrapOperator: false,
        config: {
          ...testConfig(),
          rpcServices: new Map([['customers', mall.host.rpcUrl!]]),
          // A process of the same system: it trusts the mall's provider and calls Customers as a service.
          auth: await authBeside(mall.host),
        },
      });
      headers = await authorizationFor(mall.host);
    }, HOST_START_MS);
    afterAll(async () => {
      await alone?.stop();
      await opened?.close();
    });

    const call: Call = (method, url, body) =>
      alone.http.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body }) });
    expectOnlyRegisteredCustomers(() => call, register);
  });
});
