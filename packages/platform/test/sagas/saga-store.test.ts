import { sagaMigrations } from '@tessera/platform/sagas';
import { migrate } from '@tessera/platform/sql';
import { testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { sagaStore } from '../../src/sagas/store.js';
import { openedForSuite } from '../support/suite.js';

const next = (step: number) => ({
  step,
  status: 'running' as const,
  data: { step },
  deadlines: [`t:${step}`],
});
const T = new Date('2030-01-01T00:00:00.000Z');

describe.each(testDatabases)("a saga instance's update, on $backend", (backend) => {
  const opened = openedForSuite(async () => {
    const database = await backend.open();
    await migrate(database.db, [sagaMigrations('store_at_commit')]);
    return database;
  });

  it('moves the locked instance, its version one up, and the next load in the transaction sees it', async () => {
    const store = sagaStore(opened.db, 'store_at_commit');
    await store.insert('demo', 'moves', next(1), T);
    await opened.db.transaction(async () => {
      const before = (await store.load('demo', 'moves'))!;
      await store.update(before, next(2), T);
      // A second message handled in the same transaction moves it on from there.
      const moved = (await store.load('demo', 'moves'))!;
      expect(moved).toMatchObject({ step: 2, version: 2 });
      await store.update(moved, next(3), T);
    });
    expect(await store.load('demo', 'moves')).toMatchObject({ step: 3, data: { step: 3 }, version: 3 });
  });

  it('fails the transaction, and what it wrote beside, when the instance moved without its lock', async () => {
    const store = sagaStore(opened.db, 'store_at_commit');
    await store.insert('demo', 'raced', next(1), T);
    const stale = (await store.load('demo', 'raced'))!;
    await opened.db.transaction(async () => store.update((await store.load('demo', 'raced'))!, next(2), T));
    await opened.db.query('CREATE TABLE IF NOT EXISTS store_at_commit.beside (note text)');
    await expect(
      opened.db.transaction(async () => {
        await opened.db.query(`INSERT INTO store_at_commit.beside VALUES ('written beside')`);
        await store.update(stale, next(3), T);
      }),
    ).rejects.toThrow(/saga demo raced changed concurrently/);
    expect(await store.load('demo', 'raced')).toMatchObject({ step: 2, version: 2 });
    expect((await opened.db.query('SELECT note FROM store_at_commit.beside')).rows).toEqual([]);
  });
});
