import { randomUUID } from 'node:crypto';
import { createDomainEventBus, type DomainError, type DomainEvent } from '@tessera/platform/ddd';
import { migrate } from '@tessera/platform/sql';
import { expectDocumentedRoutes, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { brokerOutbox } from '../../src/customers/adapters/messaging/integration-events.js';
import { postgresCustomerRepository } from '../../src/customers/adapters/postgres/customers.js';
import { createCustomersCommands } from '../../src/customers/application/commands.js';
import {
  CUSTOMERS_COMMAND_CHANNEL,
  customersCommands,
} from '../../src/customers/contract/integration-events.js';
import { customersModule } from '../../src/customers/module.js';
import { type CustomersHost, startCustomersHost, unknownId } from './support/host.js';

const CUSTOMERS_PATHS = [
  '/api/customers',
  '/api/customers/{id}',
  '/api/customers/{id}/enable',
  '/api/customers/{id}/disable',
  '/api/customers/{id}/change-sms',
];

describe.each(testDatabases)('Customers module wiring, on $backend', (backend) => {
  let api: CustomersHost;
  beforeAll(async () => {
    api = await startCustomersHost(backend);
  });
  afterAll(() => api.close());

  /** The application as the saga's command handler will use it, on the host's database. */
  const application = () => {
    const bus = createDomainEventBus();
    const dispatched: DomainEvent[] = [];
    bus.subscribe('*', (event) => {
      dispatched.push(event);
    });
    const commands = createCustomersCommands({
      db: api.db,
      customers: postgresCustomerRepository(api.db),
      events: bus,
      outbox: brokerOutbox(api.host.broker),
      newId: randomUUID,
      accounts: api.host.identity!.accounts,
    });
    return { commands, dispatched };
  };
  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    )) as DomainError | undefined;
    return error && { kind: error.kind, code: error.code, message: error.message };
  };
  const notAuthorized = {
    kind: 'permission_denied',
    code: 'customer_not_authorized',
    message: 'customer is not authorized',
  };

  it('is listed in the MallBots modules, after stores', () => {
    // Other modules come and go around it: only its own place is asserted.
    const names = mallbots.modules.map((module) => module.name);
    expect(names).toContain('customers');
    expect(names.indexOf('customers')).toBeGreaterThan(names.indexOf('stores'));
  });

  it('migrates idempotently: a second run applies nothing', async () => {
    expect(await migrate(api.db, [...customersModule.migrations])).toEqual([]);
  });

  describe('AuthorizeCustomer (via the application)', () => {
    it('authorizes an enabled customer, changing and dispatching nothing', async () => {
      const { commands, dispatched } = application();
      const id = await api.register();
      await expect(commands.authorizeCustomer({ id })).resolves.toBeUndefined();
      expect(dispatched).toEqual([]);
    });

    it('refuses a disabled customer with "customer is not authorized" (permission denied)', async () => {
      const { commands } = application();
      const id = await api.register();
      await commands.disableCustomer({ id });
      expect(await refusal(commands.authorizeCustomer({ id }))).toEqual(notAuthorized);
      await commands.enableCustomer({ id });
      await expect(commands.authorizeCustomer({ id })).resolves.toBeUndefined();
    });

    it('refuses an unknown customer, and an id that is not a UUID, with the same answer', async () => {
      const { commands } = application();
      expect(await refusal(commands.authorizeCustomer({ id: unknownId() }))).toEqual(notAuthorized);
      expect(await refusal(commands.authorizeCustomer({ id: 'no such id' }))).toEqual(notAuthorized);
    });

    it('publishes the command channel and the AuthorizeCustomer schema for the saga', () => {
      expect(CUSTOMERS_COMMAND_CHANNEL).toBe('mallbots.customers.commands');
      const id = unknownId();
      expect(customersCommands['customersapi.AuthorizeCustomer'].parse({ id })).toEqual({ id });
      expect(() => customersCommands['customersapi.AuthorizeCustomer'].parse({ id: 'x' })).toThrow();
    });
  });

  it('dispatches the events of a command run inside a caller transaction only when that one commits', async () => {
    const { commands, dispatched } = application();
    const id = await api.register();
    await expect(
      api.db.transaction(async () => {
        await commands.disableCustomer({ id });
        throw new Error('the caller fails after the command');
      }),
    ).rejects.toThrow('the caller fails');
    expect(dispatched).toEqual([]);
    await api.db.transaction(async () => {
      await commands.disableCustomer({ id });
      expect(dispatched).toEqual([]);
    });
    expect(dispatched).toEqual([{ type: 'customers.CustomerDisabled', data: {}, customerId: id }]);
  });

  it('refuses to save over a version that moved on: a conflict (409), and the row keeps the winner', async () => {
    const customers = postgresCustomerRepository(api.db);
    const id = await api.register();
    const loaded = await customers.load(id);
    expect(loaded.version).toBe(1);
    await customers.save(id, { ...loaded.state, enabled: false }, loaded.version);
    expect(
      await refusal(customers.save(id, { ...loaded.state, name: 'Stale' }, loaded.version)),
    ).toMatchObject({ kind: 'conflict', code: 'concurrent_modification' });
    expect(await refusal(customers.save(id, { ...loaded.state, name: 'Again' }, 0))).toMatchObject({
      kind: 'conflict',
      code: 'concurrent_modification',
    });
    expect(await customers.load(id)).toEqual({
      state: { ...loaded.state, enabled: false },
      version: 2,
    });
  });

  it('keeps created_at fixed and moves updated_at on a change', async () => {
    const id = await api.register();
    const times = async () =>
      (
        await api.db.query<{ created_at: Date; updated_at: Date }>(
          'SELECT created_at, updated_at FROM customers.customers WHERE id = $1',
          [id],
        )
      ).rows[0]!;
    const before = await times();
    await api.call('PUT', `/api/customers/${id}/disable`);
    const after = await times();
    expect(after.created_at).toEqual(before.created_at);
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('publishes every customers route in the OpenAPI document, tagged, summarised and with responses', async () => {
    const operations = await expectDocumentedRoutes(api, customersModule, '/api/customers', CUSTOMERS_PATHS);
    expect(customersModule.description).toBe('Customers: registration, SMS numbers, and who may order');
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'changeSmsNumber',
      'disableCustomer',
      'enableCustomer',
      'getCustomer',
      'registerCustomer',
    ]);
  });

  it('publishes an AsyncAPI document with the Customer channel and its 4 messages, and the command channel it receives on', async () => {
    const response = await api.call('GET', '/asyncapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json<{
      channels: Record<string, { address: string; messages: Record<string, unknown> }>;
      operations: Record<string, { action: string; channel: { $ref: string } }>;
      components: {
        messages: Record<string, { payload: { properties: Record<string, { properties?: object }> } }>;
      };
    }>();
    const byAddress = Object.fromEntries(
      Object.values(doc.channels).map((channel) => [channel.address, Object.keys(channel.messages).sort()]),
    );
    expect(byAddress).toEqual({
      'mallbots.customers.events.Customer': [
        'customersapi.CustomerDisabled',
        'customersapi.CustomerEnabled',
        'customersapi.CustomerRegistered',
        'customersapi.CustomerSmsChanged',
      ],
      'mallbots.customers.commands': ['customersapi.AuthorizeCustomer'],
    });
    expect(doc.operations.customers_receive_mallbots_customers_commands).toEqual({
      action: 'receive',
      channel: { $ref: '#/channels/mallbots_customers_commands' },
      messages: [{ $ref: '#/channels/mallbots_customers_commands/messages/customersapi.AuthorizeCustomer' }],
    });
    expect(doc.operations.publish_mallbots_customers_events_Customer?.action).toBe('send');
    const registered = doc.components.messages['customersapi.CustomerRegistered']!.payload.properties;
    expect(Object.keys(registered.data?.properties ?? {}).sort()).toEqual(['id', 'name', 'smsNumber']);
  });
});
