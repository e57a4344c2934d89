import type { SqlClient } from '@tessera/platform/sql';
import { eventually } from '@tessera/platform/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgliteClient, pgliteDriver } from '../src/sql/pglite.js';
import { startMaintenance } from '../src/sql/pglite-maintenance.js';

/** A queue's way with a table: every row it takes, it deletes. */
async function churn(db: SqlClient, table: string, rows: number) {
  await db.query(`INSERT INTO ${table} SELECT g, repeat('x', 100) FROM generate_series(1, $1::int) g`, [
    rows,
  ]);
  await db.query(`DELETE FROM ${table}`);
}

const size = async (db: SqlClient, table: string) =>
  Number((await db.query<{ n: string }>('SELECT pg_table_size($1)::text AS n', [table])).rows[0]!.n);

const statsOf = async (db: SqlClient, table: string) => {
  await db.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await db.query<{ vacuumed: boolean; analyzed: boolean; dead: number }>(
    `SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed, n_dead_tup::int AS dead
       FROM pg_stat_user_tables WHERE relid = $1::regclass`,
    [table],
  );
  return rows[0]!;
};

describe('the embedded database does what autovacuum would (ADR 0057)', () => {
  // Databases whose own timer never runs: only the passes a test makes (or none) maintain them.
  let template: Blob;
  beforeAll(async () => {
    const first = await pgliteDriver({ maintenanceEveryMs: 0 });
    template = await first.dump();
    await first.close();
  }, 30_000);
  const unmaintained = async () => {
    const db = await pgliteClient({ loadDataDir: template, maintenanceEveryMs: 0 });
    return { db, close: () => db.close() };
  };

  it('vacuums the tables with dead rows, analyzes the changed ones, and leaves the rest alone', async () => {
    const { db, close } = await unmaintained();
    const maintenance = startMaintenance(db, { everyMs: 3_600_000 });
    try {
      await db.exec(`CREATE SCHEMA q;
        CREATE TABLE q.deliveries (id int PRIMARY KEY, body text);
        CREATE TABLE q.added (id int PRIMARY KEY, body text);
        CREATE TABLE q.quiet (id int PRIMARY KEY, body text);
        CREATE TABLE q."Odd name" (id int PRIMARY KEY, body text);`);
      await churn(db, 'q.deliveries', 2_000);
      await churn(db, 'q."Odd name"', 500);
      // Past the analyze threshold (50 changed rows), short of the vacuum ones (50 dead, 1,000 inserted).
      await db.query(`INSERT INTO q.added SELECT g, 'x' FROM generate_series(1, 200) g`);
      await db.query(`INSERT INTO q.quiet VALUES (1, 'x')`);

      const done = await maintenance.pass();
      expect(done).toEqual(
        expect.arrayContaining([
          { table: 'q.deliveries', did: 'vacuum' },
          { table: 'q."Odd name"', did: 'vacuum' },
          { table: 'q.added', did: 'analyze' },
        ]),
      );
      expect(done.map(({ table }) => table)).not.toContain('q.quiet');
      expect(await statsOf(db, 'q.deliveries')).toEqual({ vacuumed: true, analyzed: true, dead: 0 });
      expect(await statsOf(db, 'q.added')).toMatchObject({ vacuumed: false, analyzed: true });
      expect(await statsOf(db, 'q.quiet')).toMatchObject({ vacuumed: false, analyzed: false });
      // Nothing is due any more: the next pass does nothing.
      expect((await maintenance.pass()).filter(({ table }) => table.startsWith('q.'))).toEqual([]);
    } finally {
      await maintenance.stop();
      await close();
    }
  });

  it('keeps a churning table from growing: what it deleted is written over', async () => {
    const [maintained, alone] = await Promise.all([unmaintained(), unmaintained()]);
    const maintenance = startMaintenance(maintained.db, { everyMs: 3_600_000 });
    try {
      const sizes = new Map<SqlClient, number[]>([
        [maintained.db, []],
        [alone.db, []],
      ]);
      for (const [db, seen] of sizes) {
        await db.exec('CREATE TABLE queue (id int PRIMARY KEY, body text)');
        for (let round = 0; round < 5; round++) {
          await churn(db, 'queue', 2_000);
          if (db === maintained.db) await maintenance.pass();
          seen.push(await size(db, 'queue'));
        }
      }
      const [kept, grown] = [sizes.get(maintained.db)!, sizes.get(alone.db)!];
      // Vacuumed after each round, the next round's rows go where the last round's were.
      expect(Math.max(...kept)).toBeLessThanOrEqual(grown[0]!);
      // Nobody vacuums the other one: each round's rows take new pages.
      expect(grown[4]!).toBeGreaterThan(grown[0]! * 4);
    } finally {
      await maintenance.stop();
      await Promise.all([maintained.close(), alone.close()]);
    }
  });

  it('runs by itself in every embedded database, and stops with it', async () => {
    const errors: unknown[] = [];
    const db = await pgliteClient({
      maintenanceEveryMs: 20,
      onMaintenanceError: (error) => errors.push(error),
    });
    try {
      await db.exec('CREATE TABLE churned (id int PRIMARY KEY, body text)');
      await churn(db, 'churned', 1_000);
      await eventually(
        'the maintenance vacuumed the churned table',
        () => statsOf(db, 'churned'),
        (stats) => stats.vacuumed && stats.dead === 0,
      );
    } finally {
      await db.close();
    }
    expect(errors).toEqual([]);
  });
});
