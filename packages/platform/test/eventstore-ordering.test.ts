import {
  ConcurrencyError,
  type EventStore,
  type ExpectedVersion,
  type RecordedEvent,
} from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { openEventStore } from './support/event-store.js';
import { openedForSuite } from './support/suite.js';

const registry = createRegistry({ name: 'test.Happened', version: 1 });
const happened = (writer: number, n: number) => ({ type: 'test.Happened', data: { writer, n } });

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Follows the global order from a checkpoint, as a projection or relay would. */
function tailer(store: EventStore) {
  const seen: RecordedEvent[] = [];
  let checkpoint = 0;
  return {
    seen,
    async poll() {
      for (;;) {
        const page = await store.readAll({ afterPosition: checkpoint, limit: 50 });
        if (page.length === 0) return;
        seen.push(...page);
        checkpoint = page.at(-1)!.position;
      }
    },
  };
}

async function until(condition: () => Promise<boolean>, what: string) {
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(testDatabases)('global order on $backend', (backend) => {
  const opened = openedForSuite(() => openEventStore(backend, 'ordering_test', registry));

  it('lets a follower tailing by position see every event once, in order, while writers race', async () => {
    const { db, store } = opened;
    const follower = tailer(store);
    let writing = true;
    // One follower loop runs alongside the writers, as a projection would.
    const following = (async () => {
      while (writing) {
        await follower.poll();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; n < 40; n++) {
        const stream = `test-w${writer}-${n % 5}`;
        if (n % 3 === 0) {
          // A slower transaction: other work before and after the append keeps it open longer.
          await db.transaction(async () => {
            await db.query('SELECT count(*) FROM ordering_test.events');
            await store.append(stream, [happened(writer, n), happened(writer, n + 1000)]);
            await db.query('SELECT count(*) FROM ordering_test.events');
          });
        } else {
          await store.append(stream, [happened(writer, n)]);
        }
      }
    });
    await Promise.all(writers);
    writing = false;
    await following;
    await follower.poll();

    const all = await store.readAll({ limit: 100_000 });
    expect(all).toHaveLength(8 * 40 + 8 * 14);
    expect(follower.seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const positions = follower.seen.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    // Within each stream, versions appear in the global order 1, 2, 3, ...
    const versions = new Map<string, number>();
    for (const event of follower.seen) {
      expect(event.streamVersion).toBe((versions.get(event.streamName) ?? 0) + 1);
      versions.set(event.streamName, event.streamVersion);
    }
  });
});

describe('global order against a slow transaction (PostgreSQL, real concurrency)', () => {
  const opened = openedForSuite(() => openEventStore(postgresTestDatabase, 'slow_test', registry));

  it('never lets a follower pass an event whose transaction commits after later appends began', async () => {
    const { db, store } = opened;
    await store.append('test-before', [happened(0, 0)]);
    const follower = tailer(store);
    await follower.poll();
    expect(follower.seen).toHaveLength(1);

    // The slow transaction appends (drawing its position) and then stays open.
    const slowAppended = latch();
    const releaseSlow = latch();
    const slow = db.transaction(async () => {
      await store.append('test-slow', [happened(1, 0)]);
      slowAppended.open();
      await releaseSlow.opened;
    });
    await slowAppended.opened;

    // Faster writers start meanwhile, in and out of transactions.
    const fast = [
      store.append('test-fast-a', [happened(2, 0)]),
      store.append('test-fast-b', [happened(3, 0)]),
      db.transaction(() => store.append('test-fast-c', [happened(4, 0)])),
    ];
    // Each of them is queued behind the slow one, not committed ahead of it.
    await until(async () => (await waitingOnLocks()) >= 2, 'the fast appends to queue on the append lock');
    await follower.poll();
    expect(follower.seen).toHaveLength(1);

    releaseSlow.open();
    await slow;
    await Promise.all(fast);
    await follower.poll();
    expect(follower.seen.map((e) => e.streamName)).toEqual([
      'test-before',
      'test-slow',
      ...follower.seen.slice(2).map((e) => e.streamName),
    ]);
    expect(follower.seen).toHaveLength(5);
    expect(follower.seen.map((e) => e.id)).toEqual((await store.readAll()).map((e) => e.id));
  });

  /** How many sessions of this database wait for an advisory lock (the append lock). */
  async function waitingOnLocks(): Promise<number> {
    const { rows } = await opened.db.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]?.waiting ?? 0;
  }

  /**
   * A lone append is one statement whose snapshot is taken before it waits for the append lock. Here a
   * transaction appends to the same stream while holding the lock, and commits only once the lone append waits:
   * the outcome must be the one the stream's version under the lock gives.
   */
  async function appendBehindTransaction(stream: string, expectedVersion: ExpectedVersion, events = 1) {
    const { db, store } = opened;
    const appended = latch();
    const release = latch();
    const holder = db.transaction(async () => {
      await store.append(stream, [happened(1, 0)]);
      appended.open();
      await release.opened;
    });
    await appended.opened;
    const lone = store.append(
      stream,
      Array.from({ length: events }, (_, n) => happened(2, n)),
      { expectedVersion },
    );
    lone.catch(() => {}); // settled below
    await until(async () => (await waitingOnLocks()) >= 1, 'the lone append to wait for the append lock');
    release.open();
    await holder;
    return lone;
  }

  it('appends a lone append after a transaction that moved its stream while it waited for the lock', async () => {
    const { store } = opened;
    await store.append('test-late-any', [happened(0, 0)]);
    expect((await appendBehindTransaction('test-late-any', 'any')).streamVersion).toBe(3);
    await store.append('test-late-exists', [happened(0, 0)]);
    // Two events: the statement's other form (arrays).
    expect((await appendBehindTransaction('test-late-exists', 'stream_exists', 2)).streamVersion).toBe(4);
    const written = async (stream: string) =>
      (await store.readStream(stream)).map((e) => [e.streamVersion, (e.data as { writer: number }).writer]);
    expect(await written('test-late-any')).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
    expect(await written('test-late-exists')).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 2],
    ]);
  });

  it("refuses a lone append at the version the stream has under the lock, not at its statement's start", async () => {
    const { store } = opened;
    await store.append('test-late-exact', [happened(0, 0)]);
    await expect(appendBehindTransaction('test-late-exact', 1)).rejects.toMatchObject({
      name: ConcurrencyError.name,
      actualVersion: 2,
    });
    await expect(appendBehindTransaction('test-late-new', 'no_stream')).rejects.toMatchObject({
      name: ConcurrencyError.name,
      actualVersion: 1,
    });
    expect((await store.readStream('test-late-exact')).map((e) => e.streamVersion)).toEqual([1, 2]);
    expect((await store.readStream('test-late-new')).map((e) => e.streamVersion)).toEqual([1]);
  });
});
