import { createDomainEventBus, type DomainEvent } from '@tessera/platform/ddd';
import { createEventStore, eventStoreMigrations, type RecordedEvent } from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, pgliteClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('domain event bus', () => {
  it('delivers in order to subscribers of the type, and to those of every type', async () => {
    const bus = createDomainEventBus();
    const seen: string[] = [];
    bus.subscribe(['a.One'], (e) => {
      seen.push(`one:${e.type}`);
    });
    bus.subscribe('*', (e) => {
      seen.push(`all:${e.type}`);
    });
    await bus.publish([
      { type: 'a.One', data: {} },
      { type: 'a.Two', data: {} },
    ]);
    expect(seen).toEqual(['one:a.One', 'all:a.One', 'all:a.Two']);
  });

  it('stops at the first failing handler and rethrows; unsubscribing stops delivery', async () => {
    const bus = createDomainEventBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe('*', (e: DomainEvent) => {
      if (e.type === 'a.Bad') throw new Error('handler failed');
      seen.push(e.type);
    });
    await expect(
      bus.publish([
        { type: 'a.Good', data: {} },
        { type: 'a.Bad', data: {} },
        { type: 'a.Never', data: {} },
      ]),
    ).rejects.toThrow('handler failed');
    expect(seen).toEqual(['a.Good']);
    unsubscribe();
    await bus.publish([{ type: 'a.Good', data: {} }]);
    expect(seen).toEqual(['a.Good']);
  });
});

describe.each(testDatabases)('event store dispatch on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  const registry = createRegistry({ name: 'd.Done', version: 1 });

  beforeAll(async () => {
    opened = await backend.open();
    await migrate(opened.db, [eventStoreMigrations('dispatch')]);
    await opened.db.exec('CREATE TABLE dispatch.tally (stream text PRIMARY KEY, n int NOT NULL)');
  });
  afterAll(() => opened.close());

  it('publishes appended events in-process only after their transaction commits', async () => {
    const { db } = opened;
    const bus = createDomainEventBus();
    const published: RecordedEvent[] = [];
    bus.subscribe('*', (event) => {
      published.push(event as RecordedEvent);
    });
    const store = createEventStore({ db, schema: 'dispatch', registry, bus });
    await db.transaction(async () => {
      await store.append('d-1', [{ type: 'd.Done', data: { n: 1 } }]);
      expect(published).toEqual([]);
    });
    expect(published.map((e) => [e.streamName, e.streamVersion, e.data])).toEqual([['d-1', 1, { n: 1 }]]);

    await db
      .transaction(async () => {
        await store.append('d-2', [{ type: 'd.Done', data: { n: 2 } }]);
        throw new Error('abandon');
      })
      .catch(() => {});
    expect(published).toHaveLength(1);

    await store.append('d-3', [{ type: 'd.Done', data: { n: 3 } }]);
    expect(published.map((e) => e.streamName)).toEqual(['d-1', 'd-3']);
  });

  it('runs inline projections in the appending transaction: a failing one rolls the append back', async () => {
    const { db } = opened;
    let failNext = false;
    const store = createEventStore({
      db,
      schema: 'dispatch',
      registry,
      inlineProjections: [
        async (events) => {
          if (failNext) throw new Error('read model rejected the event');
          for (const event of events) {
            await db.query(
              `INSERT INTO dispatch.tally (stream, n) VALUES ($1, 1)
               ON CONFLICT (stream) DO UPDATE SET n = dispatch.tally.n + 1`,
              [event.streamName],
            );
          }
        },
      ],
    });
    await store.append('p-1', [
      { type: 'd.Done', data: {} },
      { type: 'd.Done', data: {} },
    ]);
    expect((await db.query('SELECT n FROM dispatch.tally WHERE stream = $1', ['p-1'])).rows).toEqual([
      { n: 2 },
    ]);
    failNext = true;
    await expect(store.append('p-1', [{ type: 'd.Done', data: {} }])).rejects.toThrow(
      'read model rejected the event',
    );
    expect(await store.streamVersion('p-1')).toBe(2);
    expect((await db.query('SELECT n FROM dispatch.tally WHERE stream = $1', ['p-1'])).rows).toEqual([
      { n: 2 },
    ]);
  });
});

describe('a failing in-process handler after commit', () => {
  it('is reported, not thrown: the append is committed and resolves, in and out of a transaction', async () => {
    const reported: unknown[] = [];
    const db = await pgliteClient({ onAfterCommitError: (error) => reported.push(error) });
    await migrate(db, [eventStoreMigrations('after')]);
    const bus = createDomainEventBus();
    bus.subscribe('*', () => {
      throw new Error('notification handler failed');
    });
    const store = createEventStore({
      db,
      schema: 'after',
      registry: createRegistry({ name: 'd.Done', version: 1 }),
      bus,
    });

    const grouped = await store.append('a-1', [{ type: 'd.Done', data: {} }]);
    expect(grouped.streamVersion).toBe(1);
    await db.transaction(() => store.append('a-2', [{ type: 'd.Done', data: {} }]));

    expect(await store.streamVersion('a-1')).toBe(1);
    expect(await store.streamVersion('a-2')).toBe(1);
    expect(reported.map((error) => (error as Error).message)).toEqual([
      'notification handler failed',
      'notification handler failed',
    ]);
    await db.close();
  });
});
