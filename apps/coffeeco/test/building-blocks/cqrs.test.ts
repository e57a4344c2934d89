import type { Broker } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import { pgliteTestDatabase, startTestHost, type TestHost, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresOrderRepository } from '../../src/building-blocks/aggregates/adapters/postgres-order-repository.js';
import { CreateOrder } from '../../src/building-blocks/aggregates/order.js';
import { Stock } from '../../src/building-blocks/aggregates/stock.js';
import { Background } from '../../src/building-blocks/context.js';
import { CreateBooking } from '../../src/building-blocks/factories/booking.js';
import { PostgresRepository } from '../../src/building-blocks/repositories/adapters/postgres-booking-repository.js';
import { PostgresHairDresserCalendar } from '../../src/building-blocks/repositories/adapters/postgres-hair-dresser-calendar.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';
import { createPartnershipsModule } from '../../src/partnerships/module.js';
import { dump, openMessagingTestbed, spiedClient, spiedPublisher } from './support.js';

const usd = (cents: number) => Money.New(cents, 'USD');

/**
 * CQRS-2, CQRS-4, CQRS-7: asking a question does not change the answer. Each query is asked twice: the answers
 * are equal, the database is as it was (its dump, and no statement but reads), and nothing is published.
 */
describe.each(testDatabases)('the building blocks’ queries on $backend', (backend) => {
  let testbed: Awaited<ReturnType<typeof openMessagingTestbed>>;
  let published: ReturnType<typeof spiedPublisher>['published'];
  let orders: PostgresOrderRepository;
  let calendar: PostgresHairDresserCalendar;
  const hairDresser = crypto.randomUUID();
  let orderID: string;

  beforeAll(async () => {
    testbed = await openMessagingTestbed(backend, 'embedded');
    const publisher = spiedPublisher(testbed.broker);
    published = publisher.published;
    orders = new PostgresOrderRepository(testbed.spy.client, publisher.publisher);
    calendar = new PostgresHairDresserCalendar(testbed.spy.client);
    const order = CreateOrder(
      {
        customerID: crypto.randomUUID(),
        paymentCardID: crypto.randomUUID(),
        items: [{ name: 'latte', quantity: 2, price: usd(350) }],
        taxAmount: usd(0),
        discount: usd(0),
      },
      new Stock({ latte: 5 }),
    );
    orderID = order.ID();
    await orders.SaveOrder(Background(), order);
    const bookings = new PostgresRepository(testbed.db);
    for (const from of ['2023-06-02T09:00:00Z', '2023-06-02T11:00:00Z']) {
      await bookings.SaveBooking(
        Background(),
        CreateBooking(
          new Date(from),
          new Date(new Date(from).getTime() + 3_600_000),
          crypto.randomUUID(),
          hairDresser,
        ),
      );
    }
  });
  afterAll(() => testbed?.close());

  /** Asks twice; answers both answers, with what was written and published meanwhile. */
  const askTwice = async <T>(query: () => Promise<T>) => {
    const before = await dump(testbed.db);
    testbed.spy.clear();
    const publishedBefore = published.length;
    const first = await query();
    const second = await query();
    return {
      first,
      second,
      statements: testbed.spy.statements.length,
      writes: testbed.spy.writes().map((statement) => statement.text),
      published: published.length - publishedBefore,
      unchanged: JSON.stringify(await dump(testbed.db)) === JSON.stringify(before),
    };
  };

  it('OrderByID: the same order twice, no write, nothing published', async () => {
    const asked = await askTwice(() => orders.OrderByID(Background(), orderID));
    expect(asked.first?.Snapshot()).toEqual(asked.second?.Snapshot());
    expect(asked.first?.Status()).toBe('placed');
    expect(asked.statements).toBeGreaterThan(0);
    expect(asked.writes).toEqual([]);
    expect(asked.published).toBe(0);
    expect(asked.unchanged).toBe(true);
  });

  it('BookingsOf (the calendar’s read path): the same day twice, no write, nothing published', async () => {
    const day = () =>
      calendar.BookingsOf(
        Background(),
        hairDresser,
        new Date('2023-06-02T00:00:00Z'),
        new Date('2023-06-03T00:00:00Z'),
      );
    const asked = await askTwice(day);
    expect(asked.first).toHaveLength(2);
    expect(asked.first).toEqual(asked.second);
    expect(asked.writes).toEqual([]);
    expect(asked.published).toBe(0);
    expect(asked.unchanged).toBe(true);
  });

  it('(the spies see a command: cancelling writes and publishes its events, and the dump changes)', async () => {
    const asked = await askTwice(async () => {
      const order = (await orders.OrderByID(Background(), orderID))!;
      order.Cancel();
      await orders.SaveOrder(Background(), order);
      return order.Status();
    });
    expect(asked.writes.length).toBeGreaterThan(0);
    expect(asked.published).toBe(2);
    expect(asked.unchanged).toBe(false);
  });
});

/** The module's own database and broker, as it uses them, seen by spies. */
function spiedModule(inner: Module) {
  let db: ReturnType<typeof spiedClient> | undefined;
  let published = 0;
  const module: Module = {
    ...inner,
    async start(context) {
      db = spiedClient(context.db);
      const broker = new Proxy(context.broker, {
        get: (target, property) =>
          property === 'publish'
            ? async (envelopes: Parameters<Broker['publish']>[0]) => {
                published += envelopes.length;
                await target.publish(envelopes);
              }
            : Reflect.get(target, property),
      });
      const running = await inner.start({ ...context, db: db.client, broker });
      // From now on, what the module does: its start is not a query.
      db.clear();
      return running;
    },
  };
  return {
    module,
    statements: () => db?.statements.map((statement) => statement.text) ?? [],
    published: () => published,
  };
}

describe('the partnerships module’s query (CQRS-2, CQRS-4, CQRS-7)', () => {
  let app: TestHost;
  const spied = spiedModule(createPartnershipsModule({ failureRate: 0 }));
  beforeAll(async () => {
    app = await startTestHost(pgliteTestDatabase, [spied.module]);
  });
  afterAll(() => app?.close());

  it('GET /api/partnerships twice: the same hotels, no statement, nothing published, the database as it was', async () => {
    const before = await dump(app.db);
    const url = '/api/partnerships?location=London&from=2023-01-01&to=2023-01-04';
    const first = await app.as('anonymous').call('GET', url);
    const second = await app.as('anonymous').call('GET', url);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(first.json()).toEqual(second.json());
    expect(spied.statements()).toEqual([]);
    expect(spied.published()).toBe(0);
    expect(await dump(app.db)).toEqual(before);
  });
});
