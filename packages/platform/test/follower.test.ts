import { createEventStore, type RecordedEvent } from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { postgresClient } from '@tessera/platform/sql';
import { postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { signals } from '../src/testing/conditions.js';
import { countedQueries } from './support/counted-queries.js';
import { openEventStore } from './support/event-store.js';
import { openedForSuite } from './support/suite.js';

const registry = createRegistry({ name: 'f.Happened', version: 1 });
const happened = (n: number) => ({ type: 'f.Happened', data: { n } });
// An hour: if a test passes, the follower was woken by commits, not by its safety recheck.
const NEVER = 3_600_000;

/** A handler that records events and lets a test wait for a count, without waking the follower itself. */
function recorder() {
  const { items: handled, push, until } = signals<RecordedEvent>();
  return {
    handled,
    handle: async (events: readonly RecordedEvent[]) => {
      for (const event of events) push(event);
    },
    until: (count: number) => until((all) => all.length >= count),
  };
}

describe.each(testDatabases)('following the global order on $backend', (backend) => {
  const opened = openedForSuite(() => openEventStore(backend, 'follow', registry));

  it('handles what is stored, then wakes for each commit, in order, once each', async () => {
    const { db, store } = opened;
    await store.append('f-old', [happened(1), happened(2)]);
    const { handled, handle, until } = recorder();
    const follower = await store.follow({ batchSize: 3, idleRecheckMs: NEVER, handle });
    await until(2);
    expect(handled.map((e) => e.streamName)).toEqual(['f-old', 'f-old']);

    await Promise.all([
      store.append('f-a', [happened(3)]),
      store.append('f-b', [happened(4), happened(5)]),
      db.transaction(() => store.append('f-c', [happened(6)])),
    ]);
    await db
      .transaction(async () => {
        await store.append('f-rolled-back', [happened(7)]);
        throw new Error('abandon');
      })
      .catch(() => {});
    await store.append('f-d', [happened(8), happened(9), happened(10), happened(11)]);
    // Only the commits' notifications wake it: nothing here nudges the follower.
    await until(10);
    await follower.stop();

    const all = await store.readAll({ limit: 1000 });
    expect(handled.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(handled.map((e) => e.data)).not.toContainEqual({ n: 7 });
    expect(follower.position).toBe(all.at(-1)!.position);
  });

  it('retries a failed batch without moving past it, and resumes from a position', async () => {
    const { store } = opened;
    const start = await store.headPosition();
    await store.append('f-retry', [happened(1), happened(2)]);
    const errors: unknown[] = [];
    const handled: number[] = [];
    let failures = 2;
    const follower = await store.follow({
      afterPosition: start,
      idleRecheckMs: NEVER,
      onError: (error) => errors.push(error),
      handle: async (events) => {
        if (failures-- > 0) throw new Error('read model unavailable');
        handled.push(...events.map((e) => (e.data as { n: number }).n));
      },
    });
    await follower.caughtUp();
    await follower.stop();
    expect(errors).toHaveLength(2);
    expect(handled).toEqual([1, 2]);

    // Resuming from a checkpoint hands over only what came after it.
    await store.append('f-retry', [happened(3)]);
    const resumed: number[] = [];
    const again = await store.follow({
      afterPosition: follower.position,
      idleRecheckMs: NEVER,
      handle: async (events) => {
        resumed.push(...events.map((e) => (e.data as { n: number }).n));
      },
    });
    await again.caughtUp();
    await again.stop();
    expect(resumed).toEqual([3]);
  });

  it('reads again at once only after a full batch; after a shorter one, only when an append woke it', async () => {
    const { db } = opened;
    // The reads of the global order: `position > $1`.
    const counted = countedQueries(db, (text) => text.includes('position > $1'));
    const store = createEventStore({ db: counted.client, schema: 'follow', registry });
    const from = await store.headPosition();
    for (let i = 0; i < 7; i++) await store.append('f-reads', [happened(i)]);
    const { handle, until } = recorder();
    const follower = await store.follow({ afterPosition: from, batchSize: 3, idleRecheckMs: NEVER, handle });
    await until(7);
    // Three, three, then one: the short batch read everything there was.
    await store.append('f-reads', [happened(7)]);
    await until(8);
    await store.append('f-reads', [happened(8)]);
    await until(9);
    await follower.stop();
    // Two reads of full batches, one short, then one per append that woke it: no empty read after each batch.
    expect(counted.count()).toBe(5);
  });

  it('with a least interval between reads, gathers what commits meanwhile into one batch, but not what a caughtUp waits for', async () => {
    const { store } = opened;
    const start = await store.headPosition();
    const batches: number[][] = [];
    const follower = await store.follow({
      afterPosition: start,
      idleRecheckMs: NEVER,
      // Longer than any test: only a caughtUp (or a stop) ends a wait between reads here.
      minReadIntervalMs: NEVER,
      handle: async (events) => {
        batches.push(events.map((e) => (e.data as { n: number }).n));
      },
    });
    await store.append('f-gather', [happened(1)]);
    await follower.caughtUp();
    expect(batches).toEqual([[1]]);
    await store.append('f-gather', [happened(2)]);
    await store.append('f-gather', [happened(3)]);
    await store.append('f-gather', [happened(4)]);
    await follower.caughtUp();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    // A stop does not wait for the interval either.
    await store.append('f-gather', [happened(5)]);
    await follower.stop();
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('lets the process breathe between batches while it catches up', async () => {
    const { store } = opened;
    const from = await store.headPosition();
    for (let i = 0; i < 5; i++) await store.append('f-backlog', [happened(i)]);
    const { handled, handle, until } = recorder();
    const follower = await store.follow({ afterPosition: from, batchSize: 1, idleRecheckMs: NEVER, handle });
    // A timer due at once runs before the backlog is done: nothing waits on I/O with PGlite, yet the
    // catch-up gives way between batches to timers and requests.
    const seenByTimer = await new Promise<number>((resolve) => setImmediate(() => resolve(handled.length)));
    await until(5);
    await follower.stop();
    expect(seenByTimer).toBeLessThan(5);
  });

  it('stops handling once stopped', async () => {
    const { store } = opened;
    const handled: RecordedEvent[] = [];
    const follower = await store.follow({
      afterPosition: await store.headPosition(),
      idleRecheckMs: NEVER,
      handle: async (events) => {
        handled.push(...events);
      },
    });
    await follower.stop();
    await store.append('f-after-stop', [happened(1)]);
    // Another follower sees it, so it was committed and notified.
    const witness = await store.follow({
      afterPosition: follower.position,
      idleRecheckMs: NEVER,
      handle: async () => {},
    });
    await witness.caughtUp();
    await witness.stop();
    expect(witness.position).toBeGreaterThan(follower.position);
    expect(handled).toEqual([]);
  });
});

describe('following across processes (PostgreSQL)', () => {
  const opened = openedForSuite(() => openEventStore(postgresTestDatabase, 'follow', registry));

  it('wakes for appends committed by another process', async () => {
    const { store } = opened;
    const { handled, handle, until } = recorder();
    const follower = await store.follow({
      afterPosition: await store.headPosition(),
      idleRecheckMs: NEVER,
      handle,
    });
    const elsewhere = postgresClient({ connectionString: opened.url! });
    const otherStore = createEventStore({ db: elsewhere, schema: 'follow', registry });
    await otherStore.append('f-elsewhere', [happened(1)]);
    await until(1);
    await follower.stop();
    await elsewhere.close();
    expect(handled.map((e) => e.streamName)).toEqual(['f-elsewhere']);
  });
});
