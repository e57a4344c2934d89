import { createEventStore, type EventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { metricsRegistry } from '@tessera/platform/observability';
import {
  type Projector,
  projectionMigrations,
  type RebuildResult,
  registerProjectionRoutes,
  startProjector,
} from '@tessera/platform/projections';
import type { Module } from '@tessera/platform/runtime';
import {
  expectProblem,
  openEventStream,
  startTestHost,
  type TestHost,
  testDatabases,
} from '@tessera/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { counter, countsOf, expectedCounts, happened, NEVER, registry, SCHEMA } from './support.js';

interface Listed {
  projections: Array<{
    name: string;
    position: number;
    headPosition: number;
    behind: number;
    oldestPendingMs?: number;
    rebuilding: boolean;
    replayUntil: number;
    replay?: { replayed: number; total: number };
  }>;
}

describe.each(testDatabases)('projection admin routes on $backend', (backend) => {
  let api: TestHost;
  let store: EventStore;
  let projectors: Projector[];
  let rebuilt: Array<RebuildResult | Error>;
  let onRebuilt: () => void;
  /** While set, replaying an event at or after this position fails (and is retried): the replay waits there. */
  let failReplayAt: number | undefined;

  /** A module of the test's own: the counter projection, one that cannot be rebuilt, and the routes. */
  const module: Module = {
    name: 'projected',
    description: 'Projections under test',
    migrations: [eventStoreMigrations(SCHEMA), projectionMigrations(SCHEMA)],
    async start({ db, http }) {
      await db.exec(`
        CREATE TABLE proj.counts (projection text, stream text, n integer NOT NULL, PRIMARY KEY (projection, stream));
        CREATE TABLE proj.applied (projection text NOT NULL, event_id uuid NOT NULL, runner text NOT NULL);`);
      store = createEventStore({ db, schema: SCHEMA, registry });
      // Small batches: a replay commits its progress a few events at a time.
      const options = { idleRecheckMs: NEVER, batchSize: 2 };
      const stall = async (event: { position: number }, context: { replaying: boolean }) => {
        if (context.replaying && failReplayAt !== undefined && event.position >= failReplayAt)
          throw new Error('the test holds the replay here');
      };
      projectors = [
        await startProjector({ db, store }, counter(db, 'counts', { before: stall }), options),
        await startProjector({ db, store }, { name: 'append-only', handlers: {} }, options),
      ];
      registerProjectionRoutes(http, projectors, (outcome) => {
        rebuilt.push(outcome);
        onRebuilt();
      });
      return { stop: async () => void (await Promise.all(projectors.map((p) => p.stop()))) };
    },
  };

  beforeEach(async () => {
    failReplayAt = undefined;
    rebuilt = [];
    onRebuilt = () => {};
    api = await startTestHost(backend, [module]);
  });
  afterEach(() => api.close());

  const list = async () => {
    const response = await api.call('GET', '/admin/projections');
    expect(response.statusCode).toBe(200);
    return response.json<Listed>().projections;
  };

  it('lists each projection’s lag, serves it as gauges, and rebuilds one in the background', async () => {
    await store.append('admin-a', [happened(1), happened(2)]);
    await store.append('admin-b', [happened(3)]);
    await Promise.all(projectors.map((p) => p.caughtUp()));
    const head = await store.headPosition();
    expect(await list()).toEqual([
      { name: 'counts', position: head, headPosition: head, behind: 0, rebuilding: false, replayUntil: 0 },
      {
        name: 'append-only',
        position: head,
        headPosition: head,
        behind: 0,
        rebuilding: false,
        replayUntil: 0,
      },
    ]);
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.body).toContain(`projection_position{projection="counts"} ${head}`);
    expect(metrics.body).toContain('projection_events_behind{projection="append-only"} 0');

    const done = new Promise<void>((resolve) => {
      onRebuilt = resolve;
    });
    const response = await api.call('POST', '/admin/projections/counts/rebuild');
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ name: 'counts', replayUntil: head, total: 3 });
    await done;
    expect(rebuilt).toMatchObject([{ name: 'counts', replayed: 3, replayUntil: head }]);
    expect((await list())[0]).toMatchObject({ position: head, rebuilding: false, replayUntil: head });
    expect(await countsOf(api.db, 'counts')).toEqual(await expectedCounts(store));
  });

  it('tells a rebuild’s progress (replayed of total), live, until it ends', async () => {
    const { events } = await store.append('progress', [1, 2, 3, 4, 5, 6].map(happened));
    await Promise.all(projectors.map((p) => p.caughtUp()));
    const head = await store.headPosition();
    const token = await api.tokenFor({ subject: 'operator', roles: ['operator'] });
    const live = await openEventStream(`${api.host.url}/admin/projections/live`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const counts = (event: { json<T>(): T }) =>
      event.json<Listed>().projections.find((p) => p.name === 'counts')!;
    try {
      expect(live.status).toBe(200);
      // The current state at once.
      await live.until((received) => received.length === 1);
      expect(counts(live.events[0]!)).toMatchObject({ rebuilding: false, position: head });

      // The replay commits two batches of two, then waits at the fifth event.
      failReplayAt = events[4]!.position;
      const response = await api.call('POST', '/admin/projections/counts/rebuild');
      expect(response.json()).toMatchObject({ total: 6 });
      await live.until((received) => received.some((event) => counts(event).replay?.replayed === 4));
      const stalled = (await list())[0]!;
      expect(stalled).toMatchObject({
        rebuilding: true,
        replayUntil: head,
        replay: { replayed: 4, total: 6 },
      });
      expect(stalled.position).toBe(events[3]!.position);
      // Progress only goes forward, and the ids with it.
      const replayed = live.events.map((event) => counts(event).replay?.replayed ?? 6);
      expect(replayed.slice(1)).toEqual([...replayed.slice(1)].sort((a, b) => a - b));
      const ids = live.events.map((event) => Number(event.id));
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));

      failReplayAt = undefined;
      await live.until((received) => {
        const last = counts(received.at(-1)!);
        return !last.rebuilding && last.position === head;
      });
      expect(counts(live.events.at(-1)!).replay).toBeUndefined();
      expect(await countsOf(api.db, 'counts')).toEqual(await expectedCounts(store));
    } finally {
      await live.close();
    }
  });

  it('rebuilds when asked with an Idempotency-Key, as a web page asks (the reset commits before the replay)', async () => {
    await store.append('keyed', [happened(1), happened(2)]);
    await Promise.all(projectors.map((p) => p.caughtUp()));
    const done = new Promise<void>((resolve) => {
      onRebuilt = resolve;
    });
    const response = await api.host.http.inject({
      method: 'POST',
      url: '/admin/projections/counts/rebuild',
      headers: {
        authorization: `Bearer ${await api.tokenFor({ subject: 'operator', roles: ['operator'] })}`,
        'idempotency-key': 'rebuild-once',
      },
    });
    expect(response.statusCode, response.body).toBe(202);
    await done;
    const [counts] = await list();
    expect(counts).toMatchObject({ rebuilding: false, replayUntil: await store.headPosition() });
    expect(Date.parse((counts as unknown as { lastRebuiltAt: string }).lastRebuiltAt)).toBeGreaterThan(0);
  });

  it('follows the projections for operators only', async () => {
    const url = `${api.host.url}/admin/projections/live`;
    const anonymous = await openEventStream(url);
    expect(anonymous.status).toBe(401);
    const token = await api.tokenFor({ subject: 'someone', roles: ['customer'] });
    const customer = await openEventStream(url, { headers: { authorization: `Bearer ${token}` } });
    expect(customer.status).toBe(403);
  });

  it('refuses a rebuild a page of another site could ask for: a text/plain body (415), or cross-site (403)', async () => {
    for (const payload of ['rebuild', '']) {
      expectProblem(await api.raw('POST', '/admin/projections/counts/rebuild', payload, 'text/plain'), 415, {
        code: 'unsupported_media_type',
      });
    }
    const forged = await api.host.http.inject({
      method: 'POST',
      url: '/admin/projections/counts/rebuild',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expectProblem(forged, 403, { code: 'cross_site_request' });
    expect(rebuilt).toEqual([]);
    expect((await list())[0]).toMatchObject({ rebuilding: false });
  });

  it('answers 404 for an unknown projection, 409 for one that cannot be rebuilt', async () => {
    expectProblem(await api.call('POST', '/admin/projections/nothing/rebuild'), 404, {
      code: 'projection_not_found',
    });
    expectProblem(await api.call('POST', '/admin/projections/append-only/rebuild'), 409, {
      code: 'projection_not_resettable',
    });
    expect(rebuilt).toEqual([]);
  });

  it('documents the routes', async () => {
    const response = await api.call('GET', '/openapi.json');
    const paths = response.json<{ paths: Record<string, Record<string, { operationId: string }>> }>().paths;
    expect(paths['/admin/projections']?.get?.operationId).toBe('listProjections');
    expect(paths['/admin/projections/{name}/rebuild']?.post?.operationId).toBe('rebuildProjection');
    expect(paths['/admin/projections/live']?.get?.operationId).toBe('followProjections');
  });
});

// The gauges are process-wide: nothing is left behind by a closed host.
it('stops serving the gauges once the host is closed', async () => {
  expect(await metricsRegistry.metrics()).not.toContain('projection_position{projection="counts"}');
});
