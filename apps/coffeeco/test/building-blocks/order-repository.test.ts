import { isDomainError } from '@tessera/platform/ddd';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOrderRepository } from '../../src/building-blocks/aggregates/adapters/postgres-order-repository.js';
import { CreateOrder, type Order } from '../../src/building-blocks/aggregates/order.js';
import { Stock } from '../../src/building-blocks/aggregates/stock.js';
import { Background } from '../../src/building-blocks/context.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';
import { openMessagingTestbed } from './support.js';

const usd = (cents: number) => Money.New(cents, 'USD');
const newOrder = (): Order =>
  CreateOrder(
    {
      customerID: crypto.randomUUID(),
      paymentCardID: crypto.randomUUID(),
      items: [
        { name: 'latte', quantity: 2, price: usd(350) },
        { name: 'croissant', quantity: 1, price: usd(275) },
      ],
      taxAmount: usd(98),
      discount: usd(100),
    },
    new Stock({ latte: 10, croissant: 10 }),
  );

describe.each(testDatabases)('the order repository on $backend (AGG-T2, REP-T2)', (backend) => {
  let testbed: Awaited<ReturnType<typeof openMessagingTestbed>>;
  let spy: Awaited<ReturnType<typeof openMessagingTestbed>>['spy'];
  let orders: PostgresOrderRepository;
  beforeAll(async () => {
    testbed = await openMessagingTestbed(backend, 'embedded');
    spy = testbed.spy;
    orders = new PostgresOrderRepository(spy.client, testbed.broker);
  });
  afterAll(() => testbed?.close());

  /** What the database holds of one order: its row, its item rows, the messages the outbox has for it. */
  const persisted = async (id: string) => {
    const count = async (sql: string) => (await testbed.db.query<{ n: number }>(sql, [id])).rows[0]!.n;
    return {
      orders: await count('SELECT count(*)::int AS n FROM coffeeco_building_blocks.orders WHERE id = $1'),
      items: await count(
        'SELECT count(*)::int AS n FROM coffeeco_building_blocks.order_items WHERE order_id = $1',
      ),
      messages: await count('SELECT count(*)::int AS n FROM broker.messages WHERE key = $1'),
    };
  };

  it('saves the whole aggregate in one call: the order, each item, and its event in the outbox', async () => {
    const order = newOrder();
    spy.clear();
    await orders.SaveOrder(Background(), order);
    // Several writes (the order, one per item, the outbox), which is what makes a partial save possible at all.
    expect(spy.writes().length).toBeGreaterThanOrEqual(4);
    expect(await persisted(order.ID())).toEqual({ orders: 1, items: 2, messages: 1 });
    const loaded = await orders.OrderByID(Background(), order.ID());
    expect(loaded?.Snapshot()).toEqual({ ...order.Snapshot(), version: 1 });
    expect(loaded?.Total().equals(usd(973))).toBe(true);
  });

  it('a failure after any of the first writes leaves nothing: no order row, no item, no message', async () => {
    const probe = newOrder();
    spy.clear();
    await orders.SaveOrder(Background(), probe);
    const writes = spy.writes().length;
    for (let n = 2; n <= writes; n++) {
      const order = newOrder();
      spy.failAt(n, new Error(`crash at write ${n}`));
      await expect(orders.SaveOrder(Background(), order)).rejects.toThrow(`crash at write ${n}`);
      expect(await persisted(order.ID()), `after a failure at write ${n}`).toEqual({
        orders: 0,
        items: 0,
        messages: 0,
      });
      // The same order saves whole once the fault is gone.
      await orders.SaveOrder(Background(), order);
      expect(await persisted(order.ID())).toEqual({ orders: 1, items: 2, messages: 1 });
    }
  });

  it('a change is saved with its events, their ids derived from the order and its version', async () => {
    const order = newOrder();
    await orders.SaveOrder(Background(), order);
    const loaded = (await orders.OrderByID(Background(), order.ID()))!;
    loaded.Cancel();
    await orders.SaveOrder(Background(), loaded);
    const reloaded = (await orders.OrderByID(Background(), order.ID()))!;
    expect([reloaded.Status(), reloaded.Version()]).toEqual(['canceled', 2]);
    const { rows } = await testbed.db.query<{ envelope: { type: string; data: unknown } }>(
      'SELECT envelope FROM broker.messages WHERE key = $1 ORDER BY position',
      [order.ID()],
    );
    expect(rows.map((row) => row.envelope.type)).toEqual([
      'orders.OrderPlaced',
      'orders.OrderCanceled',
      'orders.RefundRequested',
    ]);
    expect(rows[2]!.envelope.data).toMatchObject({ amount: { amount: 973, currency: 'USD' } });
  });

  it('refuses to save over a change made since the order was loaded, and keeps the first change whole', async () => {
    const order = newOrder();
    await orders.SaveOrder(Background(), order);
    const first = (await orders.OrderByID(Background(), order.ID()))!;
    const second = (await orders.OrderByID(Background(), order.ID()))!;
    first.Cancel();
    second.Complete();
    await orders.SaveOrder(Background(), first);
    const refused = await orders.SaveOrder(Background(), second).catch((error: unknown) => error);
    expect(isDomainError(refused) && refused.code).toBe('concurrent_modification');
    expect((await orders.OrderByID(Background(), order.ID()))?.Status()).toBe('canceled');
    expect(await persisted(order.ID())).toEqual({ orders: 1, items: 2, messages: 3 });
  });
});
