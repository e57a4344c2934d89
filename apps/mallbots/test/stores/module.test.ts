import { fold } from '@tessera/platform/ddd';
import { createAggregateRepository, createEventStore, everyNEvents } from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import { expectDocumentedRoutes, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storesEventTypes } from '../../src/stores/domain/events.js';
import * as Product from '../../src/stores/domain/product.js';
import * as Store from '../../src/stores/domain/store.js';
import { storesModule } from '../../src/stores/module.js';
import { expectProblem, type StoresHost, startStoresHost } from './support/host.js';

const STORES_PATHS = [
  '/api/stores',
  '/api/stores/participating',
  '/api/stores/{id}',
  '/api/stores/{id}/participating',
  '/api/stores/{id}/rebrand',
  '/api/stores/{storeId}/products',
  '/api/stores/products/{id}',
  '/api/stores/products/{id}/rebrand',
  '/api/stores/products/{id}/increasePrice',
  '/api/stores/products/{id}/decreasePrice',
];

describe.each(testDatabases)('Stores module wiring, on $backend', (backend) => {
  let api: StoresHost;
  beforeAll(async () => {
    api = await startStoresHost(backend, { snapshotEvery: 3 });
  });
  afterAll(() => api.close());

  /** The module's aggregates, loaded the way its command handlers load them. */
  const repositories = () => {
    const eventStore = createEventStore({
      db: api.db,
      schema: 'stores',
      registry: createRegistry(...storesEventTypes),
    });
    const options = {
      snapshots: { strategy: everyNEvents(3), version: 1 },
      transaction: <T>(work: () => Promise<T>) => api.db.transaction(work),
    };
    return {
      eventStore,
      stores: createAggregateRepository(eventStore, Store.aggregate, options),
      products: createAggregateRepository(eventStore, Product.aggregate, options),
    };
  };
  const snapshotOf = async (stream: string) =>
    (
      await api.db.query(
        'SELECT stream_version, schema_version, data FROM stores.snapshots WHERE stream_name = $1',
        [stream],
      )
    ).rows[0];

  it('migrates idempotently: a second run applies nothing', async () => {
    expect(await migrate(api.db, [...storesModule.migrations])).toEqual([]);
  });

  it('snapshots a store at its 3rd event; loading it gives the state a full replay gives', async () => {
    const id = await api.createStore('Snapshot Store');
    await api.call('PUT', `/api/stores/${id}/participating`);
    expect(await snapshotOf(`stores.Store-${id}`)).toBeUndefined();
    await api.call('DELETE', `/api/stores/${id}/participating`);

    const snapshot = await snapshotOf(`stores.Store-${id}`);
    expect(snapshot).toEqual({
      stream_version: 3,
      schema_version: 1,
      data: { exists: true, name: 'Snapshot Store', location: 'Level 1', participating: false },
    });
    const { eventStore, stores } = repositories();
    const replayed = fold(
      Store.aggregate,
      (await eventStore.readStream(`stores.Store-${id}`)) as Store.Event[],
    );
    expect(await stores.load(id)).toEqual({ id, state: replayed, version: 3 });

    // Commands after the snapshot start from it.
    expectProblem(await api.call('DELETE', `/api/stores/${id}/participating`), 409, {
      code: 'store_already_not_participating',
    });
    expect((await api.call('PUT', `/api/stores/${id}/participating`)).statusCode).toBe(204);
    expect(await stores.load(id)).toMatchObject({ version: 4, state: { participating: true } });
  });

  it('snapshots a product at its 3rd event with its price in cents', async () => {
    const storeId = await api.createStore();
    const id = await api.addProduct(storeId, { price: 1 });
    await api.call('PUT', `/api/stores/products/${id}/increasePrice`, { price: 2.5 });
    await api.call('PUT', `/api/stores/products/${id}/decreasePrice`, { price: 2.25 });
    expect(await snapshotOf(`stores.Product-${id}`)).toMatchObject({
      stream_version: 3,
      data: { exists: true, removed: false, storeId, priceCents: 225 },
    });
    const { eventStore, products } = repositories();
    const replayed = fold(
      Product.aggregate,
      (await eventStore.readStream(`stores.Product-${id}`)) as Product.Event[],
    );
    expect((await products.load(id)).state).toEqual(replayed);
  });

  it('rolls the command back when a read model update fails: no event, no row change, a 500 problem', async () => {
    const id = await api.createStore('Before');
    await api.db.exec(`
      CREATE FUNCTION stores.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.name = 'Refused' THEN RAISE EXCEPTION 'the read model refuses this row'; END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER test_refuse BEFORE INSERT OR UPDATE ON stores.stores
        FOR EACH ROW EXECUTE FUNCTION stores.test_refuse();`);
    try {
      expectProblem(await api.call('PUT', `/api/stores/${id}/rebrand`, { name: 'Refused' }), 500);
      expectProblem(await api.call('POST', '/api/stores', { name: 'Refused', location: 'Nowhere' }), 500);
    } finally {
      await api.db.exec('DROP TRIGGER test_refuse ON stores.stores; DROP FUNCTION stores.test_refuse();');
    }
    const events = await api.db.query<{ event_type: string; data: unknown }>(
      `SELECT event_type, data FROM stores.events WHERE stream_name = $1 OR data->>'name' = 'Refused'`,
      [`stores.Store-${id}`],
    );
    expect(events.rows.map((row) => row.event_type)).toEqual(['stores.StoreCreated']);
    const store = await api.call('GET', `/api/stores/${id}`);
    expect(store.json()).toMatchObject({ store: { name: 'Before' } });
  });

  it('lets exactly one of several concurrent identical commands win; the others get 409 (already participating, or a concurrent change), never a 5xx', async () => {
    const id = await api.createStore('Contended');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.call('PUT', `/api/stores/${id}/participating`)),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 204)).toHaveLength(1);
    expect(statuses.every((status) => [204, 409].includes(status))).toBe(true);
    const { rows } = await api.db.query('SELECT event_type FROM stores.events WHERE stream_name = $1', [
      `stores.Store-${id}`,
    ]);
    expect(rows).toHaveLength(2);
  });

  it('keeps created_at fixed and moves updated_at only on real changes', async () => {
    const id = await api.createStore('Timestamps');
    const times = async () =>
      (
        await api.db.query<{ created_at: Date; updated_at: Date }>(
          'SELECT created_at, updated_at FROM stores.stores WHERE id = $1',
          [id],
        )
      ).rows[0]!;
    const before = await times();
    await api.db.query(`UPDATE stores.stores SET name = name, created_at = '2000-01-01' WHERE id = $1`, [id]);
    expect(await times()).toEqual(before);
    await api.call('PUT', `/api/stores/${id}/rebrand`, { name: 'Timestamps 2' });
    const after = await times();
    expect(after.created_at).toEqual(before.created_at);
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('publishes an OpenAPI 3.1.0 document with every stores route, tagged, summarised and with responses', async () => {
    const operations = await expectDocumentedRoutes(api, storesModule, '/api/stores', STORES_PATHS);
    expect(operations).toHaveLength(14);
  });

  it('publishes an AsyncAPI 3.0 document of the Stores channels, generated from the contract schemas', async () => {
    const response = await api.call('GET', '/asyncapi.json');
    expect(response.statusCode).toBe(200);
    const doc = JSON.parse(response.body) as {
      asyncapi: string;
      channels: Record<string, { address: string; messages: Record<string, unknown> }>;
      components: {
        messages: Record<
          string,
          {
            payload: { properties: Record<string, { const?: string; properties?: Record<string, unknown> }> };
          }
        >;
      };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    const byAddress = Object.fromEntries(
      Object.values(doc.channels).map((channel) => [channel.address, Object.keys(channel.messages).sort()]),
    );
    expect(byAddress).toEqual({
      'mallbots.stores.events.Store': [
        'storesapi.StoreCreated',
        'storesapi.StoreParticipatingToggled',
        'storesapi.StoreRebranded',
      ],
      'mallbots.stores.events.Product': [
        'storesapi.ProductAdded',
        'storesapi.ProductPriceDecreased',
        'storesapi.ProductPriceIncreased',
        'storesapi.ProductRebranded',
        'storesapi.ProductRemoved',
      ],
    });
    const productAdded = doc.components.messages['storesapi.ProductAdded']!.payload.properties;
    expect(productAdded.type?.const).toBe('storesapi.ProductAdded');
    expect(Object.keys(productAdded.data?.properties ?? {}).sort()).toEqual([
      'description',
      'id',
      'name',
      'priceCents',
      'sku',
      'storeId',
    ]);
    expect(Object.keys(productAdded)).toEqual(
      expect.arrayContaining(['id', 'correlationId', 'traceparent', 'key']),
    );
  });

  it('redirects / to Swagger UI at /docs, which serves HTML', async () => {
    const root = await api.call('GET', '/');
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/docs');
    const docs = await api.call('GET', '/docs');
    expect(docs.statusCode).toBe(200);
    expect(String(docs.headers['content-type'])).toMatch(/^text\/html/);
  });

  it('answers /liveness and /readiness with 200', async () => {
    expect((await api.call('GET', '/liveness')).statusCode).toBe(200);
    const readiness = await api.call('GET', '/readiness');
    expect(readiness.statusCode).toBe(200);
    expect(readiness.json()).toMatchObject({ status: 'ready', checks: { database: true } });
  });
});
