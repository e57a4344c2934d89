import { createEventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { derivedId } from '@tessera/platform/messaging';
import { createRegistry } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import { type OpenedTestDatabase, pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStoreJournal } from '../../src/search/adapters/postgres/journal.js';
import { createSearchRecording } from '../../src/search/application/recording.js';
import { searchEventTypes, streams } from '../../src/search/domain/events.js';

describe("Search's journal, several messages handled in one transaction (as a NATS lane does)", () => {
  let opened: OpenedTestDatabase;
  beforeAll(async () => {
    opened = await pgliteTestDatabase.open();
    await migrate(opened.db, [eventStoreMigrations('search_journal')]);
  });
  afterAll(() => opened.close());

  it("asks Customers once for a customer's name when two of its orders are handled together", async () => {
    const store = createEventStore({
      db: opened.db,
      schema: 'search_journal',
      registry: createRegistry(...searchEventTypes),
    });
    const asked: string[] = [];
    const recording = createSearchRecording({
      journal: eventStoreJournal(opened.db, store),
      customers: {
        nameOf: async (id) => {
          asked.push(id);
          return 'Ada';
        },
      },
      eventIdOf: derivedId,
    });
    const order = (n: number) => ({
      messageId: crypto.randomUUID(),
      orderId: `order-${n}`,
      customerId: 'customer-1',
      items: [],
      totalCents: 100,
      placedAt: new Date().toISOString(),
    });
    await opened.db.transaction(async () => {
      await recording.orderPlaced(order(1));
      await recording.orderPlaced(order(2));
      // The orders' own events go with the COMMIT: not there yet.
      expect(await store.streamVersion(streams.order('order-1'))).toBe(0);
    });
    expect(asked).toEqual(['customer-1']);
    expect((await store.readStream(streams.customer('customer-1'))).map((e) => e.type)).toEqual([
      'search.CustomerNamed',
    ]);
    expect(await store.streamVersion(streams.order('order-2'))).toBe(1);
  });
});
