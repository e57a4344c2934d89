import { createEventStore } from '@tessera/platform/eventstore';
import { type Projector, startProjector } from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import {
  type OpenedTestDatabase,
  startTestHost,
  type TestHost,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ordersProjection } from '../../src/search/adapters/postgres/projection.js';
import type { SearchEvent } from '../../src/search/application/ports.js';
import { searchEventSchemas, searchEventTypes, streams } from '../../src/search/domain/events.js';
import { createSearchModule, searchModule } from '../../src/search/module.js';
import { expectProblem, FakeCustomers, newId, type SearchOrderDto } from './support.js';

// Two migrations, two projectors and a host on PGlite: a slow start on a busy machine.
const HOST_START_MS = 120_000;

/**
 * What the previous version wrote: `search.OrderStatusChanged` at version 1, whose status words spelled a
 * canceled order `cancelled`; and Search's SQL migrations up to 001.
 */
const previousEventTypes = searchEventTypes.map((type) =>
  type.name === 'search.OrderStatusChanged'
    ? {
        name: type.name,
        version: 1,
        schema: searchEventSchemas['search.OrderStatusChanged'].extend({
          status: z.enum(['pending', 'approved', 'rejected', 'ready', 'completed', 'cancelled']),
        }),
      }
    : type,
);
const previousMigrations = searchModule.migrations.map((set) =>
  set.name === 'search'
    ? { ...set, migrations: set.migrations.filter((migration) => migration.version === 1) }
    : set,
);

const placed = (customerId: string) => ({
  type: 'search.OrderPlaced' as const,
  data: {
    customerId,
    items: [
      {
        productId: newId(),
        storeId: newId(),
        productName: 'Wizard',
        storeName: 'Nic & Naks',
        priceCents: 999,
        quantity: 1,
      },
    ],
    totalCents: 999,
    placedAt: '2031-05-06T07:08:09.123Z',
  },
});

// Search as the previous version left it (rows, parked changes and events saying `cancelled`), then started
// with this version: migration 002 rewrites the rows, the upcaster lifts the events.
describe.each(testDatabases)(
  'orders Search recorded as cancelled, read after one spelling, on $backend',
  (backend) => {
    let opened: OpenedTestDatabase;
    let api: TestHost;
    let projector!: Projector;
    const [customer, canceledOrder, earlyOrder] = [newId(), newId(), newId()];

    beforeAll(async () => {
      opened = await backend.open();
      await migrate(opened.db, previousMigrations);
      const previousStore = createEventStore({
        db: opened.db,
        schema: 'search',
        registry: createRegistry(...previousEventTypes),
      });
      // Typed as what it was then: the status word of version 1 is no longer a SearchEvent's.
      const record = (stream: string, event: { type: string; data: unknown }) =>
        previousStore.append(stream, [event as SearchEvent]);
      await record(streams.customer(customer), {
        type: 'search.CustomerNamed',
        data: { name: 'Ada', source: 'event' },
      });
      await record(streams.order(canceledOrder), placed(customer));
      await record(streams.order(canceledOrder), {
        type: 'search.OrderStatusChanged',
        data: { status: 'approved' },
      });
      await record(streams.order(canceledOrder), {
        type: 'search.OrderStatusChanged',
        data: { status: 'cancelled' },
      });
      // Canceled before Search was told of the order (a lost OrderCreated): parked with the old word.
      await record(streams.order(earlyOrder), {
        type: 'search.OrderStatusChanged',
        data: { status: 'cancelled' },
      });
      const previousProjector = await startProjector(
        { db: opened.db, store: previousStore },
        ordersProjection(opened.db),
        { schema: 'search' },
      );
      await previousProjector.caughtUp();
      await previousProjector.stop();
      const written = await opened.db.query<{ status: string }>(
        `SELECT status FROM search.orders
          UNION ALL SELECT change->'change'->>'status' FROM search.early_changes`,
      );
      expect(written.rows).toEqual([{ status: 'cancelled' }, { status: 'cancelled' }]);

      const database = {
        backend: backend.backend,
        open: async () => ({ db: opened.db, close: async () => {} }),
      };
      api = await startTestHost(database, [
        createSearchModule({
          customers: new FakeCustomers(),
          onProjector: (running) => {
            projector = running;
          },
        }),
      ]);
    }, HOST_START_MS);
    afterAll(async () => {
      await api?.close();
      await opened?.close();
    });

    it('keeps the events as they were recorded (version 1, cancelled), and migrated the rows with 002 (then 003)', async () => {
      const { rows } = await opened.db.query<{ schema_version: number; data: unknown }>(
        `SELECT schema_version, data FROM search.events
          WHERE stream_name = $1 AND event_type = 'search.OrderStatusChanged' ORDER BY position`,
        [streams.order(canceledOrder)],
      );
      const data = rows.map((row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data));
      expect(rows.map((row) => row.schema_version)).toEqual([1, 1]);
      expect(data).toEqual([{ status: 'approved' }, { status: 'cancelled' }]);
      const applied = await opened.db.query<{ version: number }>(
        `SELECT version FROM public.schema_migrations WHERE migration_set = 'search' ORDER BY version`,
      );
      expect(applied.rows.map((row) => Number(row.version))).toEqual([1, 2, 3]);
    });

    it('answers canceled for an order projected as cancelled, and finds it by the status canceled', async () => {
      const order = (await api.call('GET', `/api/search/orders/${canceledOrder}`)).json<{
        order: SearchOrderDto;
      }>().order;
      expect(order).toMatchObject({
        id: canceledOrder,
        customerName: 'Ada',
        status: 'canceled',
        total: 9.99,
      });
      const found = await api.call('POST', '/api/search/orders', {
        filters: { customerId: customer, status: 'canceled' },
      });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.json<{ orders: SearchOrderDto[] }>().orders.map((o) => o.id)).toEqual([canceledOrder]);
      const { rows } = await opened.db.query(`SELECT 1 FROM search.orders WHERE status = 'cancelled'`);
      expect(rows).toEqual([]);
      // The old word is no longer a status of the API.
      expectProblem(await api.call('POST', '/api/search/orders', { filters: { status: 'cancelled' } }), 400, {
        field: 'body.filters.status',
      });
    });

    it('applies a change parked as cancelled as canceled when its order arrives', async () => {
      const parked = await opened.db.query<{ status: string }>(
        `SELECT change->'change'->>'status' AS status FROM search.early_changes WHERE order_id = $1`,
        [earlyOrder],
      );
      expect(parked.rows).toEqual([{ status: 'canceled' }]);
      const store = createEventStore({
        db: opened.db,
        schema: 'search',
        registry: createRegistry(...searchEventTypes),
      });
      await store.append(streams.order(earlyOrder), [placed(customer) as SearchEvent]);
      await projector.caughtUp();
      const order = (await api.call('GET', `/api/search/orders/${earlyOrder}`)).json<{
        order: SearchOrderDto;
      }>().order;
      expect(order.status).toBe('canceled');
    });

    it('a rebuild replays the version 1 events, upcast, to the same rows as the migration left', async () => {
      const rows = async () => (await opened.db.query('SELECT * FROM search.orders ORDER BY order_id')).rows;
      const before = await rows();
      expect(before.map((row) => row.status)).toEqual(['canceled', 'canceled']);
      await projector.rebuild({ onProgress: () => {} });
      expect(await rows()).toEqual(before);
    });
  },
);
