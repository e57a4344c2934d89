import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../cosec/support.js';
import {
  expectProblem,
  type ItemSpec,
  newId,
  orderCreated,
  type SearchHost,
  startSearchHost,
  statusMessage,
} from './support.js';

const HOST_START_MS = 60_000;

const item = (storeId: string, productId: string, priceCents = 100, quantity = 1): ItemSpec => ({
  storeId,
  productId,
  storeName: 'Store at checkout',
  productName: 'Product at checkout',
  priceCents,
  quantity,
});

/** Every row Search's projection wrote, in a stable order: what a rebuild must reproduce exactly. */
async function readModel(api: SearchHost) {
  const table = async (sql: string) => (await api.db.query(sql)).rows;
  return {
    orders: await table('SELECT * FROM search.orders ORDER BY order_id'),
    customers: await table('SELECT * FROM search.customer_names ORDER BY id'),
    stores: await table('SELECT * FROM search.store_names ORDER BY id'),
    products: await table('SELECT * FROM search.product_names ORDER BY id'),
    early: await table('SELECT * FROM search.early_changes ORDER BY order_id, position'),
  };
}

describe.each(testDatabases)('the order search projection on $backend', (backend) => {
  let api: SearchHost;

  beforeAll(async () => {
    api = await startSearchHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('records what it was told as its own events, then projects them', async () => {
    const [customer, store, product, order] = [newId(), newId(), newId(), newId()];
    api.customers.known.set(customer, 'Grace');
    await api.publish({
      type: 'storesapi.StoreCreated',
      data: { id: store, name: 'Bolt Shop', location: 'L1' },
    });
    await api.publish({
      type: 'storesapi.ProductAdded',
      data: { id: product, storeId: store, name: 'Bolt', description: 'A bolt', sku: 'B-1', priceCents: 100 },
    });
    await api.publish(orderCreated(order, customer, [item(store, product, 250, 2)]));
    await api.settled();

    const { rows } = await api.db.query<{ stream_name: string; type: string }>(
      `SELECT stream_name, event_type AS type FROM search.events WHERE stream_name = ANY($1) ORDER BY position`,
      [
        [
          `search.Store-${store}`,
          `search.Product-${product}`,
          `search.Customer-${customer}`,
          `search.Order-${order}`,
        ],
      ],
    );
    // One event each; the three channels are consumed independently, so in no particular order between them.
    expect(rows.map((row) => `${row.stream_name.split('-')[0]} ${row.type}`).sort()).toEqual([
      'search.Customer search.CustomerNamed',
      'search.Order search.OrderPlaced',
      'search.Product search.ProductNamed',
      'search.Store search.StoreNamed',
    ]);
    // The names Search was told win over the ones the order was placed with.
    expect(await api.getOrder(order)).toMatchObject({
      customerName: 'Grace',
      status: 'pending',
      total: 5,
      items: [{ storeName: 'Bolt Shop', productName: 'Bolt', price: 2.5, quantity: 2 }],
    });
  });

  it("keeps an order's own names for products and stores Search was never told of", async () => {
    const [customer, order] = [newId(), newId()];
    api.customers.known.set(customer, 'Linus');
    await api.publish(orderCreated(order, customer, [item(newId(), newId())]));
    await api.settled();
    expect((await api.getOrder(order)).items[0]).toMatchObject({
      storeName: 'Store at checkout',
      productName: 'Product at checkout',
    });
  });

  it('asks Customers once for a name it was not told, and records the answer as an event', async () => {
    const [customer, first, second] = [newId(), newId(), newId()];
    api.customers.known.set(customer, 'Hedy');
    await api.publish(orderCreated(first, customer, [item(newId(), newId())]));
    await api.publish(orderCreated(second, customer, [item(newId(), newId())]));
    await api.settled();
    expect(api.customers.asked.filter((id) => id === customer)).toHaveLength(1);
    expect((await api.getOrder(first)).customerName).toBe('Hedy');
    expect((await api.getOrder(second)).customerName).toBe('Hedy');
    const { rows } = await api.db.query<{ data: unknown }>(
      'SELECT data FROM search.events WHERE stream_name = $1',
      [`search.Customer-${customer}`],
    );
    expect(rows.map((row) => (typeof row.data === 'string' ? JSON.parse(row.data) : row.data))).toEqual([
      { name: 'Hedy', source: 'service' },
    ]);
  });

  it("shows an unknown customer's orders without a name, filled in when the customer's event arrives", async () => {
    const [customer, order] = [newId(), newId()];
    await api.publish(orderCreated(order, customer, [item(newId(), newId())]));
    await api.settled();
    expect((await api.getOrder(order)).customerName).toBe('');
    await api.publish({
      type: 'customersapi.CustomerRegistered',
      data: { id: customer, name: 'Alan', smsNumber: '+1555' },
    });
    await api.settled();
    expect((await api.getOrder(order)).customerName).toBe('Alan');
  });

  it('retries an order while Customers cannot answer, and records it once Customers is back', async () => {
    const [customer, order] = [newId(), newId()];
    api.customers.known.set(customer, 'Barbara');
    api.customers.failing = true;
    try {
      await api.publish(orderCreated(order, customer, [item(newId(), newId())]));
      // Asked at least twice: the failure rolled the handling back and the broker retried it.
      await eventually(
        async () => api.customers.asked.filter((id) => id === customer).length,
        (asked) => asked >= 2,
        'Customers is asked again',
      );
      expectProblem(await api.call('GET', `/api/search/orders/${order}`), 404);
    } finally {
      api.customers.failing = false;
    }
    await api.settled();
    expect((await api.getOrder(order)).customerName).toBe('Barbara');
  });

  it("a rebrand renames the store or product in every existing order's items, and only there", async () => {
    const [customer, store, otherStore, product, order, otherOrder] = [
      newId(),
      newId(),
      newId(),
      newId(),
      newId(),
      newId(),
    ];
    api.customers.known.set(customer, 'Ken');
    const otherProduct = newId();
    await api.publish(orderCreated(order, customer, [item(store, product), item(otherStore, otherProduct)]));
    await api.publish(orderCreated(otherOrder, customer, [item(otherStore, otherProduct)]));
    await api.publish({ type: 'storesapi.StoreRebranded', data: { id: store, name: 'New Store Name' } });
    await api.publish({
      type: 'storesapi.ProductRebranded',
      data: { id: product, name: 'New Product Name', description: 'd' },
    });
    await api.settled();
    const renamed = await api.getOrder(order);
    expect(renamed.items.map((i) => [i.storeName, i.productName])).toEqual([
      ['New Store Name', 'New Product Name'],
      ['Store at checkout', 'Product at checkout'],
    ]);
    expect((await api.getOrder(otherOrder)).items.map((i) => [i.storeName, i.productName])).toEqual([
      ['Store at checkout', 'Product at checkout'],
    ]);
    // An order placed later with the old name shows the latest name Search knows.
    const later = newId();
    await api.publish(orderCreated(later, customer, [item(store, product)]));
    await api.settled();
    expect((await api.getOrder(later)).items[0]).toMatchObject({
      storeName: 'New Store Name',
      productName: 'New Product Name',
    });
  });

  it('readied: the adjusted total and the unavailable items', async () => {
    const [customer, store, a, b, order] = [newId(), newId(), newId(), newId(), newId()];
    api.customers.known.set(customer, 'Radia');
    await api.publish(orderCreated(order, customer, [item(store, a, 1000, 1), item(store, b, 250, 2)]));
    await api.publish(statusMessage('approved', order, customer));
    await api.settled();
    expect(await api.getOrder(order)).toMatchObject({ status: 'approved', total: 15, unavailableItems: [] });
    await api.publish(
      statusMessage('ready', order, customer, {
        totalCents: 1000,
        unavailableItems: [{ storeId: store, productId: b }],
      }),
    );
    await api.settled();
    expect(await api.getOrder(order)).toMatchObject({
      status: 'ready',
      total: 10,
      unavailableItems: [{ storeId: store, productId: b }],
    });
  });

  it('a status change recorded before its order is not lost: applied, in order, when the order arrives', async () => {
    const [customer, order] = [newId(), newId()];
    api.customers.known.set(customer, 'Margaret');
    await api.publish(statusMessage('approved', order, customer));
    await api.publish(statusMessage('ready', order, customer, { totalCents: 50 }));
    await api.settled();
    expectProblem(await api.call('GET', `/api/search/orders/${order}`), 404);
    await api.publish(orderCreated(order, customer, [item(newId(), newId(), 100, 1)]));
    await api.settled();
    expect(await api.getOrder(order)).toMatchObject({ status: 'ready', total: 0.5 });
    expect((await readModel(api)).early.filter((row) => row.order_id === order)).toEqual([]);
  });

  it('a message delivered twice is recorded once', async () => {
    const [customer, order] = [newId(), newId()];
    api.customers.known.set(customer, 'Frances');
    const created = await api.publish(orderCreated(order, customer, [item(newId(), newId())]));
    await api.host.broker.publish([created]);
    await api.settled();
    const { rows } = await api.db.query('SELECT 1 FROM search.events WHERE stream_name = $1', [
      `search.Order-${order}`,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('pages without duplicates or gaps while orders are placed between pages', async () => {
    const customer = newId();
    api.customers.known.set(customer, 'Pager');
    const base = Date.parse('2031-06-01T00:00:00Z');
    const placed: string[] = [];
    // Two orders at the same instant: the order id breaks the tie.
    for (const offset of [0, 1, 2, 2, 3, 4, 5]) {
      const id = newId();
      placed.push(id);
      await api.publish(orderCreated(id, customer, [item(newId(), newId())]), new Date(base + offset * 1000));
    }
    await api.settled();
    const filters = { customerId: customer };
    const seen: string[] = [];
    let page = await api.search({ filters, limit: 3 });
    seen.push(...page.orders.map((order) => order.id));
    // Placed meanwhile: one newer than every page (not shown: the pages continue where they were), one older
    // than every page so far (shown on a later page).
    const newer = newId();
    const older = newId();
    await api.publish(orderCreated(newer, customer, [item(newId(), newId())]), new Date(base + 60_000));
    await api.publish(orderCreated(older, customer, [item(newId(), newId())]), new Date(base - 60_000));
    await api.settled();
    while (page.next) {
      page = await api.search({ filters, limit: 3, next: page.next });
      seen.push(...page.orders.map((order) => order.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([...placed, older]));
    expect(seen).not.toContain(newer);
    expect(seen).toHaveLength(placed.length + 1);
    // Newest first, ties by id descending: the same order as a single page.
    const all = await api.searchAll(filters);
    expect(all.map((order) => order.id)).toEqual([newer, ...seen]);
  });

  it('reports its lag, and a rebuild by replay reproduces the live read model exactly', async () => {
    await api.settled();
    const lagResponse = await api.call('GET', '/admin/projections');
    expect(lagResponse.statusCode, lagResponse.body).toBe(200);
    const lags = lagResponse.json<{
      projections: Array<{ name: string; behind: number; position: number }>;
    }>();
    expect(lags.projections).toEqual([
      expect.objectContaining({ name: 'search.orders', behind: 0, rebuilding: false }),
      expect.objectContaining({ name: 'search.tracking', behind: 0, rebuilding: false }),
    ]);
    const live = await readModel(api);
    expect(live.orders.length).toBeGreaterThan(10);

    const rebuilt = api.rebuilt();
    const response = await api.call('POST', '/admin/projections/search.orders/rebuild');
    expect(response.statusCode, response.body).toBe(202);
    const { rows: counted } = await api.db.query<{ count: string }>(
      'SELECT count(*) AS count FROM search.events',
    );
    expect(response.json<{ total: number }>().total).toBe(Number(counted[0]!.count));
    const outcome = await rebuilt;
    if (outcome instanceof Error) throw outcome;
    expect(outcome.replayed).toBeGreaterThan(0);
    await api.projector.caughtUp();
    expect(await readModel(api)).toEqual(live);

    const metrics = await api.call('GET', '/metrics');
    expect(metrics.body).toMatch(/projection_events_behind\{projection="search.orders"\} 0/);
  });

  it('goes on live after a rebuild', async () => {
    const [customer, order] = [newId(), newId()];
    api.customers.known.set(customer, 'After');
    await api.publish(orderCreated(order, customer, [item(newId(), newId())]));
    await api.settled();
    expect((await api.getOrder(order)).customerName).toBe('After');
  });
});
