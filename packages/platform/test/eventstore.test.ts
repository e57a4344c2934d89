import { createRegistry } from '@tessera/platform/registry';
import { testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../src/eventstore/index.js';
import { openEventStore } from './support/event-store.js';
import { openedForSuite } from './support/suite.js';

const registry = createRegistry({ name: 'test.Happened', version: 1 }, { name: 'test.Other', version: 1 });
const happened = (n: number) => ({ type: 'test.Happened', data: { n } });

describe.each(testDatabases)('event store on $backend', (backend) => {
  const opened = openedForSuite(() => openEventStore(backend, 'es', registry));

  it('appends several events at once and reads them back in order with versions and positions', async () => {
    const { store } = opened;
    const result = await store.append('test-multi', [happened(1), happened(2), happened(3)], {
      expectedVersion: 'no_stream',
    });
    expect(result.streamVersion).toBe(3);
    const events = await store.readStream('test-multi');
    expect(events.map((e) => [e.streamVersion, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 3 }],
    ]);
    expect(events.map((e) => e.position)).toEqual(result.events.map((e) => e.position));
    expect(events[1]!.position).toBe(events[0]!.position + 1);
    expect(events[2]!.position).toBe(result.lastPosition);
    // The append reports the time the server recorded, as a later read returns it.
    expect(result.events.map((e) => e.recordedAt)).toEqual(events.map((e) => e.recordedAt));
    expect(Math.abs(events[0]!.recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reads a stream from a version', async () => {
    const { store } = opened;
    const events = await store.readStream('test-multi', { afterVersion: 2 });
    expect(events.map((e) => e.streamVersion)).toEqual([3]);
  });

  it('rejects an append at the wrong expected version with a typed error and writes nothing', async () => {
    const { store } = opened;
    await store.append('test-occ', [happened(1)], { expectedVersion: 'no_stream' });
    const attempt = store.append('test-occ', [happened(2), happened(3)], { expectedVersion: 0 });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({ actualVersion: 1, kind: 'conflict' });
    expect(await store.streamVersion('test-occ')).toBe(1);
    await expect(
      store.append('test-none', [happened(1)], { expectedVersion: 'stream_exists' }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('test-none')).toBe(0);
  });

  it('lets exactly one of many concurrent appends at the same version win, in and out of transactions', async () => {
    const { db, store } = opened;
    await store.append('test-race', [happened(0)]);
    const attempts = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? store.append('test-race', [happened(i), happened(i + 100)], { expectedVersion: 1 })
        : db.transaction(() => store.append('test-race', [happened(i)], { expectedVersion: 1 })),
    );
    const outcomes = await Promise.allSettled(attempts);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((o) => (o as PromiseRejectedResult).reason instanceof ConcurrencyError)).toBe(true);
    const events = await store.readStream('test-race');
    expect(events.map((e) => e.streamVersion)).toEqual(
      Array.from({ length: events.length }, (_, i) => i + 1),
    );
  });

  it('rolls back an append made inside a transaction that fails', async () => {
    const { db, store } = opened;
    await expect(
      db.transaction(async () => {
        await store.append('test-rollback', [happened(1)]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.readStream('test-rollback')).toEqual([]);
  });

  it('isolates one bad append in a grouped commit: a duplicate event id fails only its own append', async () => {
    const { store } = opened;
    const id = crypto.randomUUID();
    await store.append('test-dup-a', [{ ...happened(1), id }]);
    const outcomes = await Promise.allSettled([
      store.append('test-dup-b', [{ ...happened(1), id }]),
      store.append('test-dup-c', [happened(1)]),
      store.append('test-dup-d', [happened(1)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(await store.streamVersion('test-dup-b')).toBe(0);
  });

  it('refuses an event type the registry does not know, before touching the database', async () => {
    const { store } = opened;
    await expect(store.append('test-unknown', [{ type: 'test.Nope', data: {} }])).rejects.toThrow(
      'nothing has been registered with the name `test.Nope`',
    );
  });
});
