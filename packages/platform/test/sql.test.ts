import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MigrationSet, migrate, sqlMigrationsIn } from '@tessera/platform/sql';
import { postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { postgresClient } from '../src/sql/pg.js';
import { openedForSuite } from './support/suite.js';

const set = (name: string, ...sqls: string[]): MigrationSet => ({
  name,
  migrations: sqls.map((sql, i) => ({ version: i + 1, name: `step_${i + 1}`, sql })),
});

describe.each(testDatabases)('SQL client on $backend', (backend) => {
  const opened = openedForSuite(async () => {
    const database = await backend.open();
    await database.db.exec('CREATE TABLE items (id int PRIMARY KEY, n bigint)');
    return database;
  });

  it('returns bigint columns as numbers on every backend', async () => {
    const { rows } = await opened.db.query<{ n: number; c: number }>(
      'SELECT 9007199254740991::bigint AS n, count(*) AS c FROM items',
    );
    expect(rows[0]).toEqual({ n: 9_007_199_254_740_991, c: 0 });
  });

  it('makes queries inside a transaction join it, and commits them together', async () => {
    const { db } = opened;
    await db.transaction(async () => {
      await db.query('INSERT INTO items VALUES (1, 1)');
      await db.transaction(() => db.query('INSERT INTO items VALUES (2, 2)'));
      expect(db.inTransaction()).toBe(true);
    });
    expect(db.inTransaction()).toBe(false);
    const { rows } = await db.query('SELECT id FROM items ORDER BY id');
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls back everything, nested work included, when the work throws', async () => {
    const { db } = opened;
    await expect(
      db.transaction(async () => {
        await db.query('INSERT INTO items VALUES (3, 3)');
        await db.transaction(() => db.query('INSERT INTO items VALUES (4, 4)'));
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    const { rows } = await db.query('SELECT id FROM items WHERE id > 2');
    expect(rows).toEqual([]);
  });

  it('runs after-commit callbacks only after a commit, never after a rollback', async () => {
    const { db } = opened;
    const calls: string[] = [];
    await db.transaction(async () => {
      db.afterCommit(() => {
        calls.push('committed');
      });
      await db.query('INSERT INTO items VALUES (5, 5)');
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual(['committed']);
    await db
      .transaction(async () => {
        db.afterCommit(() => {
          calls.push('rolled back');
        });
        throw new Error('x');
      })
      .catch(() => {});
    expect(calls).toEqual(['committed']);
  });

  it('keeps work outside a transaction out of it: it never sees the transaction uncommitted', async () => {
    const { db } = opened;
    let inserted!: () => void;
    const insertedInside = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // Started outside the transaction, so it is not part of it (on PGlite it must wait for the one connection).
    const outside = (async () => {
      await insertedInside;
      const { rows } = await db.query<{ c: number }>('SELECT count(*) AS c FROM items WHERE id = 30');
      return rows[0]!.c;
    })();
    await expect(
      db.transaction(async () => {
        await db.query('INSERT INTO items VALUES (30, 0)');
        inserted();
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await outside).toBe(0);
  });

  it('applies migrations once, in order, and refuses one that changed after it was applied', async () => {
    const { db } = opened;
    const first = set('m', 'CREATE TABLE m1 (id int)', 'ALTER TABLE m1 ADD COLUMN name text');
    const applied = await migrate(db, [first]);
    expect(applied.map((m) => `${m.set}#${m.version}`)).toEqual(['m#1', 'm#2']);
    expect(await migrate(db, [first])).toEqual([]);
    const grown = set(
      'm',
      'CREATE TABLE m1 (id int)',
      'ALTER TABLE m1 ADD COLUMN name text',
      'CREATE TABLE m2 (id int)',
    );
    expect((await migrate(db, [grown])).map((m) => m.version)).toEqual([3]);
    const edited = set('m', 'CREATE TABLE m1 (id bigint)');
    await expect(migrate(db, [edited])).rejects.toThrow(
      'migration m 1_step_1 was changed after it was applied',
    );
  });

  it('applies nothing of a run where one migration fails', async () => {
    const { db } = opened;
    await expect(
      migrate(db, [set('bad', 'CREATE TABLE bad1 (id int)', 'CREATE TABLE oops (')]),
    ).rejects.toThrow();
    const { rows } = await db.query(`SELECT to_regclass('bad1') AS t`);
    expect(rows[0]).toEqual({ t: null });
  });
});

describe('migration files', () => {
  it('reads NNN_name.sql files in order and rejects other names and gaps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeFileSync(join(dir, '002_second.sql'), 'SELECT 2');
    writeFileSync(join(dir, '001_first.sql'), 'SELECT 1');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    expect(sqlMigrationsIn(dir).map((m) => `${m.version}_${m.name}`)).toEqual(['1_first', '2_second']);
    writeFileSync(join(dir, '004_fourth.sql'), 'SELECT 4');
    expect(() => sqlMigrationsIn(dir)).toThrow('without gaps');
    const badName = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeFileSync(join(badName, 'first.sql'), 'SELECT 1');
    expect(() => sqlMigrationsIn(badName)).toThrow('is not named NNN_name.sql');
  });
});

describe('migrations from several processes at once (PostgreSQL)', () => {
  const opened = openedForSuite(() => postgresTestDatabase.open());

  it('apply each migration exactly once', async () => {
    const clients = Array.from({ length: 4 }, () => postgresClient({ connectionString: opened.url! }));
    const migrations = set('race', 'CREATE TABLE race1 (id int)', 'CREATE TABLE race2 (id int)');
    const results = await Promise.all(clients.map((client) => migrate(client, [migrations])));
    expect(results.flat()).toHaveLength(2);
    await Promise.all(clients.map((client) => client.close()));
  });
});
