import { newEnvelope } from '@tessera/platform/messaging';
import { type Host, loadConfig, type Module, startHost } from '@tessera/platform/runtime';
import {
  authorizationFor,
  type OpenedTestDatabase,
  postgresTestDatabase,
  testConfig,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomersModule } from '../../src/customers/module.js';
import { ORDER_CHANNEL } from '../../src/ordering/contract/integration-events.js';
import { createSearchModule } from '../../src/search/module.js';
import { eventually } from '../cosec/support.js';
import { newId, orderCreated, type SearchOrderDto } from './support.js';

const HOST_START_MS = 60_000;

const start = (
  db: OpenedTestDatabase['db'],
  modules: readonly Module[],
  name: string,
  rpcServices: ReadonlyMap<string, string> = new Map(),
) =>
  startHost({
    name,
    version: 'test',
    modules,
    db,
    config: {
      ...testConfig(),
      rpcServices,
      // Processes of one database sign with its keys; one issuer makes their tokens good in each other.
      auth: { ...loadConfig({}).auth, issuer: 'http://mallbots.test' },
    },
  });

// Search deployed after customers registered: their CustomerRegistered messages went to the groups that
// existed then, never to `search-customers`. Search asks Customers, here over RPC in another host named by
// RPC_SERVICES (the process-per-module topology), and records the answer, so a rebuild does not ask again.
// PostgreSQL only: two hosts on one PGlite would share its single connection, which Search's handling holds
// while it waits for the other host's answer (the real topology has a database per process).
describe('Search added after the customers registered, on PostgreSQL', () => {
  const backend = postgresTestDatabase;
  let opened: OpenedTestDatabase;
  let customers: Host | undefined;
  let search: Host | undefined;

  beforeAll(async () => {
    opened = await backend.open();
    customers = await start(opened.db, [createCustomersModule()], 'Customers');
  }, HOST_START_MS);
  afterAll(async () => {
    await search?.stop();
    await customers?.stop();
    await opened?.close();
  });

  it("names an order's customer from Customers over RPC, and keeps the name through a rebuild", async () => {
    const registered = await customers!.http.inject({
      headers: await authorizationFor(customers!),
      method: 'POST',
      url: '/api/customers',
      payload: { name: 'Katherine', smsNumber: '+15557654321' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const customerId = registered.json<{ id: string }>().id;

    search = await start(
      opened.db,
      [createSearchModule()],
      'Search',
      new Map([['customers', customers!.rpcUrl!]]),
    );
    const running = search;
    const orderId = newId();
    const message = orderCreated(orderId, customerId, [
      {
        productId: newId(),
        storeId: newId(),
        productName: 'Slide Rule',
        storeName: 'Langley',
        priceCents: 1200,
        quantity: 1,
      },
    ]);
    await running.broker.publish([
      newEnvelope('ordering', {
        type: message.type,
        subject: ORDER_CHANNEL,
        key: orderId,
        data: message.data,
      }),
    ]);
    const read = async () => {
      const response = await running.http.inject({
        headers: await authorizationFor(running),
        method: 'GET',
        url: `/api/search/orders/${orderId}`,
      });
      return response.statusCode === 200 ? response.json<{ order: SearchOrderDto }>().order : undefined;
    };
    const order = await eventually(read, (found) => found !== undefined, 'the order is in search');
    expect(order).toMatchObject({ customerId, customerName: 'Katherine', total: 12 });

    // Customers gone: a rebuild replays the recorded name, it does not ask.
    await customers!.stop();
    customers = undefined;
    const rebuild = await running.http.inject({
      headers: await authorizationFor(running),
      method: 'POST',
      url: '/admin/projections/search.orders/rebuild',
    });
    expect(rebuild.statusCode, rebuild.body).toBe(202);
    const lag = async () =>
      (
        await running.http.inject({
          headers: await authorizationFor(running),
          method: 'GET',
          url: '/admin/projections',
        })
      ).json<{
        projections: Array<{ rebuilding: boolean; behind: number }>;
      }>().projections[0]!;
    await eventually(lag, (l) => !l.rebuilding && l.behind === 0, 'the rebuild ends');
    expect(await read()).toMatchObject({ customerName: 'Katherine' });
  });
});

// The same, with Customers in Search's process (the default `npm start`): its service is called directly,
// joining the handling's transaction, so one PGlite connection is enough.
describe.each(testDatabases)('Search added later, Customers in its process, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let host: Host | undefined;

  beforeAll(async () => {
    opened = await backend.open();
  }, HOST_START_MS);
  afterAll(async () => {
    await host?.stop();
    await opened?.close();
  });

  it("names an order's customer from the Customers module", async () => {
    const before = await start(opened.db, [createCustomersModule()], 'Before');
    const registered = await before.http.inject({
      headers: await authorizationFor(before),
      method: 'POST',
      url: '/api/customers',
      payload: { name: 'Dorothy', smsNumber: '+15550001111' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const customerId = registered.json<{ id: string }>().id;
    await before.stop();

    host = await start(opened.db, [createCustomersModule(), createSearchModule()], 'After');
    const running = host;
    const orderId = newId();
    const message = orderCreated(orderId, customerId, [
      {
        productId: newId(),
        storeId: newId(),
        productName: 'Crystal',
        storeName: 'Lab',
        priceCents: 99,
        quantity: 3,
      },
    ]);
    await running.broker.publish([
      newEnvelope('ordering', {
        type: message.type,
        subject: ORDER_CHANNEL,
        key: orderId,
        data: message.data,
      }),
    ]);
    const order = await eventually(
      async () => {
        const response = await running.http.inject({
          headers: await authorizationFor(running),
          method: 'GET',
          url: `/api/search/orders/${orderId}`,
        });
        return response.statusCode === 200 ? response.json<{ order: SearchOrderDto }>().order : undefined;
      },
      (found) => found !== undefined,
      'the order is in search',
    );
    expect(order).toMatchObject({ customerName: 'Dorothy', total: 2.97 });
    const { rows } = await opened.db.query<{ data: unknown }>(
      'SELECT data FROM search.events WHERE stream_name = $1',
      [`search.Customer-${customerId}`],
    );
    // Asked, not told: the only name Search has for the customer came from the service.
    expect(rows.map((row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data))).toEqual([
      { name: 'Dorothy', source: 'service' },
    ]);
  });
});
