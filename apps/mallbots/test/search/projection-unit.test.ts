import { createEventStore, type EventStore } from '@tessera/platform/eventstore';
import { type Projector, startProjector } from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersProjection } from '../../src/search/adapters/postgres/projection.js';
import type { SearchEvent } from '../../src/search/application/ports.js';
import { searchEventTypes, streams } from '../../src/search/domain/events.js';
import { searchModule } from '../../src/search/module.js';
import { newId } from './support.js';

type Recorded = Omit<SearchEvent, 'id'>;

// The projection alone, on Search's schema: given recorded events, the rows. No broker, no HTTP.
describe.each(testDatabases)('the search.orders projection on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let store: EventStore;
  let projector: Projector;

  beforeAll(async () => {
    opened = await backend.open();
    await migrate(opened.db, [...searchModule.migrations]);
    store = createEventStore({
      db: opened.db,
      schema: 'search',
      registry: createRegistry(...searchEventTypes),
    });
    projector = await startProjector({ db: opened.db, store }, ordersProjection(opened.db), {
      schema: 'search',
    });
  });
  afterAll(async () => {
    await projector?.stop();
    await opened?.close();
  });

  const given = async (...events: Array<[stream: string, event: Recorded]>) => {
    for (const [stream, event] of events) await store.append(stream, [event as SearchEvent]);
    await projector.caughtUp();
  };
  const row = async (orderId: string) =>
    (
      await opened.db.query<{
        customer_name: string;
        items: Array<Record<string, unknown>>;
        total_cents: string;
        status: string;
        product_ids: string[];
        store_ids: string[];
        unavailable_items: unknown[];
        created_at: Date;
      }>('SELECT * FROM search.orders WHERE order_id = $1', [orderId])
    ).rows[0];

  const placed = (customerId: string, items: Array<{ storeId: string; productId: string }>): Recorded => ({
    type: 'search.OrderPlaced',
    data: {
      customerId,
      items: items.map((item) => ({
        ...item,
        storeName: 'checkout store',
        productName: 'checkout product',
        priceCents: 300,
        quantity: 2,
      })),
      totalCents: 600 * items.length,
      placedAt: '2032-02-03T04:05:06.789Z',
    },
  });

  it('OrderPlaced: a pending row with the known names, the order’s own otherwise, and distinct id arrays', async () => {
    const [customer, store, product, other, order] = [newId(), newId(), newId(), newId(), newId()];
    await given(
      [streams.customer(customer), { type: 'search.CustomerNamed', data: { name: 'Ann', source: 'event' } }],
      [streams.product(product), { type: 'search.ProductNamed', data: { name: 'Known product' } }],
      [
        streams.order(order),
        placed(customer, [
          { storeId: store, productId: product },
          { storeId: store, productId: other },
        ]),
      ],
    );
    const projected = await row(order);
    expect(projected).toMatchObject({
      customer_name: 'Ann',
      status: 'pending',
      product_ids: [product, other],
      store_ids: [store],
      unavailable_items: [],
    });
    expect(Number(projected!.total_cents)).toBe(1200);
    expect(projected!.created_at.toISOString()).toBe('2032-02-03T04:05:06.789Z');
    expect(projected!.items.map((item) => [item.productName, item.storeName])).toEqual([
      ['Known product', 'checkout store'],
      ['checkout product', 'checkout store'],
    ]);
  });

  it('OrderStatusChanged: status, and the readied total and unavailable items', async () => {
    const [customer, store, product, order] = [newId(), newId(), newId(), newId()];
    await given(
      [streams.order(order), placed(customer, [{ storeId: store, productId: product }])],
      [streams.order(order), { type: 'search.OrderStatusChanged', data: { status: 'approved' } }],
    );
    expect(await row(order)).toMatchObject({ status: 'approved', total_cents: expect.anything() });
    await given([
      streams.order(order),
      {
        type: 'search.OrderStatusChanged',
        data: { status: 'ready', totalCents: 0, unavailableItems: [{ storeId: store, productId: product }] },
      },
    ]);
    const ready = await row(order);
    expect(ready).toMatchObject({
      status: 'ready',
      unavailable_items: [{ storeId: store, productId: product }],
    });
    expect(Number(ready!.total_cents)).toBe(0);
    // A later status without a total keeps it.
    await given([streams.order(order), { type: 'search.OrderStatusChanged', data: { status: 'completed' } }]);
    expect(Number((await row(order))!.total_cents)).toBe(0);
  });

  it('status changes before the order: parked, then applied in order', async () => {
    const [customer, order] = [newId(), newId()];
    await given(
      [streams.order(order), { type: 'search.OrderStatusChanged', data: { status: 'approved' } }],
      [streams.order(order), { type: 'search.OrderStatusChanged', data: { status: 'canceled' } }],
    );
    expect(await row(order)).toBeUndefined();
    await given([streams.order(order), placed(customer, [{ storeId: newId(), productId: newId() }])]);
    expect((await row(order))!.status).toBe('canceled');
    const { rows } = await opened.db.query('SELECT 1 FROM search.early_changes WHERE order_id = $1', [order]);
    expect(rows).toEqual([]);
  });

  it('naming events rename existing rows, only the matching items', async () => {
    const [customer, store, otherStore, product, order] = [newId(), newId(), newId(), newId(), newId()];
    await given([
      streams.order(order),
      placed(customer, [
        { storeId: store, productId: product },
        { storeId: otherStore, productId: newId() },
      ]),
    ]);
    expect((await row(order))!.customer_name).toBe('');
    await given(
      [streams.store(store), { type: 'search.StoreNamed', data: { name: 'Renamed store' } }],
      [streams.product(product), { type: 'search.ProductNamed', data: { name: 'Renamed product' } }],
      [
        streams.customer(customer),
        { type: 'search.CustomerNamed', data: { name: 'Bea', source: 'service' } },
      ],
    );
    const renamed = await row(order);
    expect(renamed!.customer_name).toBe('Bea');
    expect(renamed!.items.map((item) => [item.storeName, item.productName])).toEqual([
      ['Renamed store', 'Renamed product'],
      ['checkout store', 'checkout product'],
    ]);
  });

  it('a rebuild empties the tables and replays them to the same rows', async () => {
    const before = (await opened.db.query('SELECT * FROM search.orders ORDER BY order_id')).rows;
    expect(before.length).toBeGreaterThanOrEqual(4);
    const result = await projector.rebuild({ onProgress: () => {} });
    expect(result.replayed).toBe(
      Number((await opened.db.query<{ n: string }>('SELECT count(*) AS n FROM search.events')).rows[0]!.n),
    );
    expect((await opened.db.query('SELECT * FROM search.orders ORDER BY order_id')).rows).toEqual(before);
  });
});
