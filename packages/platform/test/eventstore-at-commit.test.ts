import { randomUUID } from 'node:crypto';
import { createEventStore } from '@tessera/platform/eventstore';
import { metricsRegistry } from '@tessera/platform/observability';
import { createRegistry } from '@tessera/platform/registry';
import type { SqlClient } from '@tessera/platform/sql';
import { eventually, testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { openEventStore } from './support/event-store.js';
import { openedForSuite } from './support/suite.js';

const registry = createRegistry({ name: 'test.Happened', version: 1 });
const happened = (n: number, id?: string) => ({ type: 'test.Happened', data: { n }, ...(id ? { id } : {}) });

const appended = async (schema: string) =>
  (await metricsRegistry.getSingleMetric('eventstore_events_appended_total')?.get())?.values.find(
    (value) => value.labels.schema === schema,
  )?.value ?? 0;

describe.each(testDatabases)('an append sent with the COMMIT, on $backend', (backend) => {
  const schema = 'es_at_commit';
  const opened = openedForSuite(() => openEventStore(backend, schema, registry));

  /** The store on a client that counts the statements it is asked to send at once. */
  const counting = () => {
    const counter = { statements: 0 };
    const db: SqlClient = {
      ...opened.db,
      query: (text, params) => {
        counter.statements++;
        return opened.db.query(text, params);
      },
    };
    return { counter, store: createEventStore({ db, schema, registry }) };
  };

  it('sends nothing until the commit, then the events are there in order, counted once committed', async () => {
    const { counter, store } = counting();
    const before = await appended(schema);
    await opened.db.transaction(async () => {
      await store.appendAtCommit('later-1', [happened(1), happened(2)]);
      await store.appendAtCommit('later-2', [happened(3)]);
      await store.appendAtCommit('later-1', [happened(4)]);
      expect(counter.statements, 'statements sent before the commit').toBe(0);
      // Not there yet, even for the transaction itself.
      expect(await store.streamVersion('later-1')).toBe(0);
    });
    const events = await opened.store.readStream('later-1');
    expect(events.map((e) => [e.streamVersion, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 4 }],
    ]);
    const other = await opened.store.readStream('later-2');
    // The global order is the order of the calls.
    expect(events[1]!.position).toBeLessThan(other[0]!.position);
    expect(other[0]!.position).toBeLessThan(events[2]!.position);
    expect(await appended(schema)).toBe(before + 4);
  });

  it('appends nothing when the transaction rolls back, and counts nothing', async () => {
    const before = await appended(schema);
    await expect(
      opened.db.transaction(async () => {
        await opened.store.appendAtCommit('never', [happened(1)]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await opened.store.streamVersion('never')).toBe(0);
    expect(await appended(schema)).toBe(before);
  });

  it('fails the commit when the append fails, and the rest of the transaction with it', async () => {
    const taken = randomUUID();
    await opened.store.append('taken', [happened(1, taken)]);
    await opened.db.query(`CREATE TABLE IF NOT EXISTS ${schema}.beside (note text)`);
    const before = await appended(schema);
    await expect(
      opened.db.transaction(async () => {
        await opened.db.query(`INSERT INTO ${schema}.beside VALUES ('written beside')`);
        await opened.store.appendAtCommit('clash', [happened(2), happened(3, taken)]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await opened.store.streamVersion('clash')).toBe(0);
    expect((await opened.db.query(`SELECT note FROM ${schema}.beside`)).rows).toEqual([]);
    expect(await appended(schema)).toBe(before);
  });

  it('appends at once outside a transaction', async () => {
    await opened.store.appendAtCommit('now', [happened(1)]);
    expect(await opened.store.streamVersion('now')).toBe(1);
  });

  it('wakes a follower once committed', async () => {
    const seen: number[] = [];
    const head = await opened.store.headPosition();
    const follower = await opened.store.follow({
      afterPosition: head,
      async handle(events) {
        for (const event of events) seen.push((event.data as { n: number }).n);
      },
      idleRecheckMs: 3_600_000,
    });
    try {
      await opened.db.transaction(() => opened.store.appendAtCommit('followed', [happened(7)]));
      await eventually(
        'the follower has the event',
        () => Promise.resolve(seen),
        (s) => s.includes(7),
      );
    } finally {
      await follower.stop();
    }
  });
});
