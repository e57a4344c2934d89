import type { AggregateType } from '@tessera/platform/ddd';
import {
  anyOf,
  createAggregateRepository,
  createEventStore,
  eventStoreMigrations,
  everyNEvents,
  onEventTypes,
} from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A small aggregate whose state depends on the order of every event, so a wrong fold shows.
type Tally = { total: number; history: number[]; resets: number; label: string };
type TallyEvent =
  | { type: 'tally.Added'; data: { amount: number } }
  | { type: 'tally.Reset'; data: Record<string, never> }
  | { type: 'tally.Labelled'; data: { label: string } };

const tally: AggregateType<Tally, TallyEvent> = {
  name: 'tally.Tally',
  initialState: { total: 0, history: [], resets: 0, label: '' },
  evolve(state, event) {
    switch (event.type) {
      case 'tally.Added':
        return {
          ...state,
          total: state.total + event.data.amount,
          history: [...state.history.slice(-4), event.data.amount],
        };
      case 'tally.Reset':
        return { ...state, total: 0, resets: state.resets + 1 };
      case 'tally.Labelled':
        return { ...state, label: event.data.label };
    }
  },
};

const registry = createRegistry(
  { name: 'tally.Added', version: 1 },
  { name: 'tally.Reset', version: 1 },
  { name: 'tally.Labelled', version: 1 },
);

const eventArb: fc.Arbitrary<TallyEvent> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((amount) => ({ type: 'tally.Added' as const, data: { amount } })),
  fc.constant({ type: 'tally.Reset' as const, data: {} }),
  fc.string({ maxLength: 8 }).map((label) => ({ type: 'tally.Labelled' as const, data: { label } })),
);

describe.each(testDatabases)('snapshots on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let db: SqlClient;

  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
    await migrate(db, [eventStoreMigrations('snap')]);
  });
  afterAll(() => opened.close());

  it('loads from a snapshot plus the tail exactly the state a full replay gives (property)', async () => {
    const store = createEventStore({ db, schema: 'snap', registry });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.array(eventArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (every, saves, pivotal) => {
          const strategy = pivotal
            ? anyOf(everyNEvents(every), onEventTypes('tally.Reset'))
            : everyNEvents(every);
          const withSnapshots = createAggregateRepository(store, tally, {
            snapshots: { strategy, version: 1 },
            transaction: db.transaction,
          });
          const replayOnly = createAggregateRepository(store, tally, { transaction: db.transaction });
          const id = `p${run++}`;
          for (const events of saves) {
            await withSnapshots.update(id, () => events);
          }
          const fromSnapshot = await withSnapshots.load(id);
          const fullReplay = await replayOnly.load(id);
          expect(fromSnapshot).toEqual(fullReplay);
          expect(fullReplay.version).toBe(saves.flat().length);
          const snapshot = await store.readSnapshot(withSnapshots.streamName(id));
          const tookOne =
            saves.flat().length >= every || (pivotal && saves.flat().some((e) => e.type === 'tally.Reset'));
          expect(snapshot !== undefined).toBe(tookOne);
        },
      ),
      { numRuns: backend.backend === 'pglite' ? 60 : 40 },
    );
  });

  it('takes snapshots when the stream reaches or crosses a multiple of N', async () => {
    const store = createEventStore({ db, schema: 'snap', registry });
    const repository = createAggregateRepository(store, tally, {
      snapshots: { strategy: everyNEvents(3), version: 1 },
      transaction: db.transaction,
    });
    const add = (amount: number): TallyEvent => ({ type: 'tally.Added', data: { amount } });
    await repository.update('n3', () => [add(1), add(2)]);
    expect(await store.readSnapshot(repository.streamName('n3'))).toBeUndefined();
    await repository.update('n3', () => [add(3)]);
    expect((await store.readSnapshot(repository.streamName('n3')))?.streamVersion).toBe(3);
    await repository.update('n3', () => [add(4), add(5), add(6), add(7)]);
    expect((await store.readSnapshot(repository.streamName('n3')))?.streamVersion).toBe(7);
    // The snapshot holds the state at that version.
    expect((await store.readSnapshot(repository.streamName('n3')))?.data).toMatchObject({ total: 28 });
  });

  it('ignores a snapshot of another state version and replays instead', async () => {
    const store = createEventStore({ db, schema: 'snap', registry });
    const v1 = createAggregateRepository(store, tally, {
      snapshots: { strategy: everyNEvents(1), version: 1 },
      transaction: db.transaction,
    });
    await v1.update('shape', () => [{ type: 'tally.Added', data: { amount: 5 } }]);
    // Corrupt the stored state to prove it is not used once the version moved on.
    await db.query(`UPDATE snap.snapshots SET data = '{"total": 999}' WHERE stream_name = $1`, [
      v1.streamName('shape'),
    ]);
    const v2 = createAggregateRepository(store, tally, {
      snapshots: { strategy: everyNEvents(1), version: 2 },
      transaction: db.transaction,
    });
    expect((await v2.load('shape')).state.total).toBe(5);
    expect((await v1.load('shape')).state.total).toBe(999);
  });

  it('rolls back the events when the snapshot cannot be written, and vice versa', async () => {
    const store = createEventStore({ db, schema: 'snap', registry });
    const repository = createAggregateRepository(store, tally, {
      snapshots: {
        strategy: everyNEvents(1),
        version: 1,
        toJSON: () => {
          throw new Error('cannot serialise');
        },
      },
      transaction: db.transaction,
    });
    await expect(repository.update('atomic', () => [{ type: 'tally.Reset', data: {} }])).rejects.toThrow(
      'cannot serialise',
    );
    expect(await store.streamVersion(repository.streamName('atomic'))).toBe(0);
  });
  it('reads a snapshot of the asked shape and the events after it in one statement, as readStream and readSnapshot would', async () => {
    let statements = 0;
    const counted: SqlClient = {
      ...db,
      query: (text, params) => {
        statements++;
        return db.query(text, params);
      },
    };
    const store = createEventStore({ db: counted, schema: 'snap', registry });
    const add = (amount: number) => ({
      type: 'tally.Added',
      data: { amount },
      metadata: { by: `a${amount}` },
    });
    const read = async (stream: string, version: number) => {
      statements = 0;
      const result = await store.readFromSnapshot(stream, version);
      expect(statements, 'statements for one read').toBe(1);
      return result;
    };

    expect(await read('tally.Tally-none', 1)).toEqual({ events: [] });
    await store.append('tally.Tally-tail', [add(1), add(2)]);
    expect(await read('tally.Tally-tail', 1)).toEqual({ events: await store.readStream('tally.Tally-tail') });

    await store.writeSnapshot('tally.Tally-tail', { streamVersion: 2, schemaVersion: 1, data: { total: 3 } });
    expect(await read('tally.Tally-tail', 1)).toEqual({
      snapshot: { streamVersion: 2, data: { total: 3 } },
      events: [],
    });
    await store.append('tally.Tally-tail', [add(3), add(4)]);
    const after = await read('tally.Tally-tail', 1);
    expect(after.snapshot).toEqual({ streamVersion: 2, data: { total: 3 } });
    expect(after.events).toEqual(await store.readStream('tally.Tally-tail', { afterVersion: 2 }));
    expect(after.events.map((e) => [e.streamVersion, e.metadata])).toEqual([
      [3, { by: 'a3' }],
      [4, { by: 'a4' }],
    ]);
    // A snapshot of another shape is not used: every event, from the first.
    expect(await read('tally.Tally-tail', 2)).toEqual({ events: await store.readStream('tally.Tally-tail') });
  });
});
