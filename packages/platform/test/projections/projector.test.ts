import type { EventStore } from '@tessera/platform/eventstore';
import { metricsRegistry } from '@tessera/platform/observability';
import { type RebuildProgress, startProjector } from '@tessera/platform/projections';
import { postgresClient } from '@tessera/platform/sql';
import { postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchProjectionLag } from '../../src/projections/metrics.js';
import { countedQueries } from '../support/counted-queries.js';
import {
  applications,
  checkpointOf,
  counter,
  countsOf,
  expectedCounts,
  happened,
  NEVER,
  type Opened,
  openProjections,
  storeOn,
} from './support.js';

const other = (n: number) => ({ type: 'p.Other', data: { n } });

describe.each(testDatabases)('projections on $backend', (backend) => {
  let opened: Opened;
  let store: EventStore;

  beforeAll(async () => {
    opened = await openProjections(backend);
    store = opened.store;
  });
  afterAll(() => opened.close());

  const start = (name: string, options: Parameters<typeof counter>[2] = {}, batchSize = 3) =>
    startProjector({ db: opened.db, store }, counter(opened.db, name, options), {
      batchSize,
      idleRecheckMs: NEVER,
    });

  it('follows appends live, woken by their commits, and moves the checkpoint with the effects', async () => {
    await store.append('live-a', [happened(1), happened(2)]);
    const projector = await start('live');
    await projector.caughtUp();
    expect(await countsOf(opened.db, 'live')).toEqual(await expectedCounts(store));

    await Promise.all([
      store.append('live-a', [happened(3)]),
      store.append('live-b', [happened(4), other(5), happened(6)]),
      opened.db.transaction(() => store.append('live-c', [happened(7)])),
    ]);
    await projector.caughtUp();
    await projector.stop();
    expect(await countsOf(opened.db, 'live')).toEqual(await expectedCounts(store));
    const head = await store.headPosition();
    expect(projector.position).toBe(head);
    expect(await checkpointOf(opened.db, 'live')).toBe(head);
  });

  it('locks and moves its checkpoint in one statement per batch', async () => {
    // The projector's statements pass through here: those that lock or write the checkpoint are counted.
    const counted = countedQueries(
      opened.db,
      (text) => text.includes('projection_checkpoints') && text.includes('UPDATE'),
    );
    const projector = await startProjector(
      { db: counted.client, store },
      counter(opened.db, 'one-statement'),
      {
        batchSize: 3,
        idleRecheckMs: NEVER,
      },
    );
    await projector.caughtUp();
    const before = counted.count();
    const batches: number[] = [];
    const unwatch = projector.watch((position) => batches.push(position));
    for (let i = 0; i < 3; i++) {
      await store.append(`one-statement-${i}`, [happened(i)]);
      await projector.caughtUp();
    }
    unwatch();
    await projector.stop();
    expect(batches).toHaveLength(3);
    expect(counted.count() - before).toBe(3);
    expect(await checkpointOf(opened.db, 'one-statement')).toBe(await store.headPosition());
    expect(await countsOf(opened.db, 'one-statement')).toEqual(await expectedCounts(store));
  });

  it('commits a batch’s effects and checkpoint together: a failed batch leaves neither, then is retried', async () => {
    const before = await store.headPosition();
    await store.append('atomic', [happened(1), happened(2), happened(3)]);
    const seen = new Map<string, number>();
    let observed: Promise<[Record<string, number>, number]> | undefined;
    const errors: unknown[] = [];
    const projector = await startProjector(
      { db: opened.db, store },
      counter(opened.db, 'atomic', {
        // The third event of the batch fails once, after the first two wrote their effects.
        before: async (event) => {
          const attempts = (seen.get(event.id) ?? 0) + 1;
          seen.set(event.id, attempts);
          if (event.position === before + 3 && attempts === 1) throw new Error('read model unavailable');
        },
      }),
      {
        batchSize: 1000,
        idleRecheckMs: NEVER,
        onError: (error) => {
          errors.push(error);
          observed ??= Promise.all([countsOf(opened.db, 'atomic'), checkpointOf(opened.db, 'atomic')]);
        },
      },
    );
    await projector.caughtUp();
    await projector.stop();
    expect(errors).toHaveLength(1);
    // At the failure: nothing of the batch, checkpoint unmoved.
    expect(await observed).toEqual([{}, 0]);
    expect(await countsOf(opened.db, 'atomic')).toEqual(await expectedCounts(store));
    const applied = await applications(opened.db, 'atomic');
    expect(applied.total).toBe(applied.distinct);
  });

  it('resumes from its checkpoint after a restart without applying an event twice', async () => {
    await store.append('restart', [happened(1), happened(2)]);
    const first = await start('restart');
    await first.caughtUp();
    await first.stop();
    const stoppedAt = await checkpointOf(opened.db, 'restart');
    await store.append('restart', [happened(3), happened(4), happened(5)]);
    // Nothing ran while it was stopped.
    expect(await checkpointOf(opened.db, 'restart')).toBe(stoppedAt);

    const second = await start('restart');
    expect(second.position).toBe(stoppedAt);
    await second.caughtUp();
    await second.stop();
    expect(await countsOf(opened.db, 'restart')).toEqual(await expectedCounts(store));
    const applied = await applications(opened.db, 'restart');
    expect(applied.total).toBe(applied.distinct);
    expect(applied.total).toBe(
      (await store.readAll({ limit: 10_000 })).filter((e) => e.type === 'p.Happened').length,
    );
  });

  it('rebuilds by replay to the live result, skips side effects on replay, and goes on live', async () => {
    await store.append('rebuild-a', [happened(1), other(2), happened(3)]);
    await store.append('rebuild-b', [other(4), happened(5), happened(6), happened(7)]);
    const notified: string[] = [];
    const notify = (id: string) => notified.push(id);
    const projector = await start('rebuild', { notify }, 2);
    await projector.caughtUp();
    const live = await countsOf(opened.db, 'rebuild');
    const othersBefore = (await store.readAll({ limit: 10_000 })).filter((e) => e.type === 'p.Other');
    expect(notified).toEqual(othersBefore.map((e) => e.id));

    const progress: RebuildProgress[] = [];
    let appendedDuring: Promise<unknown> | undefined;
    let lagDuring: ReturnType<typeof projector.lag> | undefined;
    const rebuild = await projector.startRebuild({
      progressIntervalMs: 0,
      onProgress: (p) => {
        progress.push(p);
        // After the first replayed batch: an append and a look at the lag, while the replay goes on.
        appendedDuring ??= store.append('rebuild-c', [happened(8), other(9)]);
        lagDuring ??= projector.lag();
      },
    });
    const headAtReset = await store.headPosition();
    expect(rebuild.replayUntil).toBeLessThanOrEqual(headAtReset);
    expect(rebuild.total).toBe(
      (await store.readAll({ limit: 10_000 })).filter((e) => e.position <= rebuild.replayUntil).length,
    );
    const result = await rebuild.done;
    await appendedDuring;
    await projector.caughtUp();

    expect(result.replayed).toBe(rebuild.total);
    expect(progress.at(-1)).toMatchObject({ handled: rebuild.total, total: rebuild.total });
    expect(progress.length).toBeGreaterThan(1);
    expect(await lagDuring).toMatchObject({ rebuilding: true, replayUntil: rebuild.replayUntil });
    // The history replayed equals what was built live; what came during the rebuild is handled once, live.
    expect(await countsOf(opened.db, 'rebuild')).toEqual({ ...live, 'rebuild-c': 1 });
    expect(await countsOf(opened.db, 'rebuild')).toEqual(await expectedCounts(store));
    const othersNow = (await store.readAll({ limit: 10_000 })).filter((e) => e.type === 'p.Other');
    expect(notified).toEqual(othersNow.map((e) => e.id));
    expect(othersNow.length).toBe(othersBefore.length + 1);

    // And on, live.
    await store.append('rebuild-d', [happened(10), other(11)]);
    await projector.caughtUp();
    await projector.stop();
    expect(await countsOf(opened.db, 'rebuild')).toEqual(await expectedCounts(store));
    expect(notified).toHaveLength(othersNow.length + 1);
    expect(await projector.lag()).toMatchObject({ rebuilding: false, behind: 0 });
    const applied = await applications(opened.db, 'rebuild');
    expect(applied.total).toBe(applied.distinct);
  });

  it('passes over a batch projection that is not replayable during a replay', async () => {
    const batches: Array<{ replaying: boolean; count: number }> = [];
    const projector = await startProjector(
      { db: opened.db, store },
      {
        name: 'outbound',
        replayable: false,
        handleBatch: async (events, context) => {
          batches.push({ replaying: context.replaying, count: events.length });
        },
        reset: async () => {},
      },
      { idleRecheckMs: NEVER },
    );
    await projector.caughtUp();
    const total = batches.reduce((sum, b) => sum + b.count, 0);
    expect(total).toBe(await store.readAll({ limit: 10_000 }).then((all) => all.length));
    batches.length = 0;
    await projector.rebuild({ onProgress: () => {} });
    expect(batches).toEqual([]);
    await store.append('outbound', [happened(1)]);
    await projector.caughtUp();
    await projector.stop();
    expect(batches).toEqual([{ replaying: false, count: 1 }]);
  });

  it('refuses to rebuild a projection without a reset, or one already rebuilding', async () => {
    const noReset = await startProjector(
      { db: opened.db, store },
      { name: 'no-reset', handlers: {} },
      { idleRecheckMs: NEVER },
    );
    await expect(noReset.rebuild()).rejects.toMatchObject({ code: 'projection_not_resettable' });
    await noReset.stop();

    const projector = await start('twice');
    await projector.caughtUp();
    const first = await projector.startRebuild({ onProgress: () => {} });
    await expect(projector.startRebuild()).rejects.toMatchObject({ code: 'projection_rebuilding' });
    await first.done;
    await projector.stop();
  });

  it('reports its lag: position, head, events and time behind, as gauges too', async () => {
    const projector = await start('lagging');
    await projector.caughtUp();
    await projector.stop();
    const caughtUp = await projector.lag();
    expect(caughtUp).toEqual({
      name: 'lagging',
      position: await store.headPosition(),
      headPosition: await store.headPosition(),
      behind: 0,
      rebuilding: false,
      replayUntil: 0,
    });

    const appended = await store.append('lagging', [happened(1), happened(2), other(3)]);
    const behind = await projector.lag();
    expect(behind).toMatchObject({
      position: caughtUp.position,
      headPosition: appended.lastPosition,
      behind: 3,
    });
    expect(behind.oldestPendingMs).toBeGreaterThanOrEqual(0);

    const unwatch = watchProjectionLag(async () => [await projector.lag()]);
    const metrics = await metricsRegistry.metrics();
    unwatch();
    expect(metrics).toContain('projection_events_behind{projection="lagging"} 3');
    expect(metrics).toContain(`projection_position{projection="lagging"} ${caughtUp.position}`);
    expect(metrics).toContain('projection_rebuilding{projection="lagging"} 0');
  });

  it('tells its watchers each position it reaches, whichever runner applied it, and its checkpoint', async () => {
    const a = await start('watched', { runner: 'a' }, 2);
    const b = await start('watched', { runner: 'b' }, 2);
    const seen = { a: [] as number[], b: [] as number[] };
    const unwatchA = a.watch((position) => seen.a.push(position));
    b.watch((position) => seen.b.push(position));
    const { lastPosition } = await store.append('watched', [happened(1), happened(2), happened(3)]);
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    // Each runner is told once the effects up to there are committed, by it or by the other.
    for (const positions of [seen.a, seen.b]) {
      expect(positions.at(-1)).toBe(lastPosition);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
    expect(await a.checkpoint()).toEqual({ position: lastPosition, rebuilding: false });

    unwatchA();
    const told = seen.a.length;
    const more = await store.append('watched', [happened(4)]);
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    expect(seen.a).toHaveLength(told);
    expect(seen.b.at(-1)).toBe(more.lastPosition);

    // While a rebuild replays, the checkpoint says the read model is incomplete.
    let during: ReturnType<typeof a.checkpoint> | undefined;
    await a.rebuild({
      progressIntervalMs: 0,
      onProgress: () => {
        during ??= a.checkpoint();
      },
    });
    expect(await during).toMatchObject({ rebuilding: true });
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    expect(await b.checkpoint()).toEqual({ position: more.lastPosition, rebuilding: false });
    await Promise.all([a.stop(), b.stop()]);
  });

  it('lets two runners of one projection share the work without applying an event twice', async () => {
    const a = await start('shared', { runner: 'a' }, 2);
    const b = await start('shared', { runner: 'b' }, 2);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.append(`shared-${i % 3}`, [happened(i), happened(i + 100)])),
    );
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    expect(await countsOf(opened.db, 'shared')).toEqual(await expectedCounts(store));
    const applied = await applications(opened.db, 'shared');
    expect(applied.total).toBe(applied.distinct);

    // A rebuild by one rewinds the other too; still each event once.
    await a.rebuild({ onProgress: () => {} });
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(await countsOf(opened.db, 'shared')).toEqual(await expectedCounts(store));
    const rebuilt = await applications(opened.db, 'shared');
    expect(rebuilt.total).toBe(rebuilt.distinct);
  });
});

describe('two processes running one projection (PostgreSQL)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await openProjections(postgresTestDatabase);
  });
  afterAll(() => opened.close());

  it('never applies a batch twice, live or during a rebuild, and a rebuild rewinds the other process', async () => {
    const elsewhere = postgresClient({ connectionString: opened.url! });
    const storeElsewhere = storeOn(elsewhere);
    const options = { batchSize: 2, idleRecheckMs: NEVER };
    const a = await startProjector(
      { db: opened.db, store: opened.store },
      counter(opened.db, 'race', { runner: 'a' }),
      options,
    );
    let replayedByB: () => void = () => {};
    const bReplayed = new Promise<void>((resolve) => {
      replayedByB = resolve;
    });
    const b = await startProjector(
      { db: elsewhere, store: storeElsewhere },
      counter(elsewhere, 'race', {
        runner: 'b',
        before: async (_event, context) => {
          if (context.replaying) replayedByB();
        },
      }),
      options,
    );
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? opened.store : storeElsewhere).append(`race-${i % 5}`, [happened(i), happened(i + 100)]),
      ),
    );
    await Promise.all([a.caughtUp(), b.caughtUp()]);
    expect(await countsOf(opened.db, 'race')).toEqual(await expectedCounts(opened.store));
    const applied = await applications(opened.db, 'race');
    expect(applied.total).toBe(60);
    expect(applied.distinct).toBe(60);

    const head = await opened.store.headPosition();
    expect(b.position).toBe(head);
    // A rebuild started by a, which then stops: b, idle (nothing is appended), hears of the reset and
    // replays the rest.
    const rebuild = await a.startRebuild({ onProgress: () => {} });
    await a.stop();
    await bReplayed;
    await b.caughtUp();
    expect(await b.lag()).toMatchObject({ position: head, rebuilding: false, replayUntil: head });
    await expect(rebuild.done).rejects.toThrow('stopped during its rebuild');
    expect(await countsOf(opened.db, 'race')).toEqual(await expectedCounts(opened.store));
    const rebuilt = await applications(opened.db, 'race');
    expect(rebuilt.total).toBe(60);
    expect(rebuilt.distinct).toBe(60);

    await b.stop();
    await elsewhere.close();
  });
});
