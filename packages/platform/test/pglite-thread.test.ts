import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, SqlState, sqlStateOf } from '@tessera/platform/sql';
import { pgliteTestDatabase } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { pgliteDriver } from '../src/sql/pglite.js';

const repository = fileURLToPath(new URL('../../../', import.meta.url));

describe('the embedded database in its own thread (ADR 0047)', () => {
  it('leaves the event loop free while a statement runs', async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      let finished = false;
      // Long enough for many turns of the event loop; had it run on this thread, there would be none until it ended.
      const work = opened.db
        .query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 1000000)')
        .then((result) => {
          finished = true;
          return result;
        });
      for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(finished).toBe(false);
      expect((await work).rows).toEqual([{ n: 1_000_000 }]);
    } finally {
      await opened.close();
    }
  });

  it('gives the one connection to one transaction at a time, from its first statement to its end', async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      const { db } = opened;
      await db.exec('CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0);');
      // Each reads, yields to the event loop, then writes what it read plus one: interleaved, updates would be lost.
      const increments = Array.from({ length: 20 }, (_, i) =>
        db.transaction(async () => {
          const { rows } = await db.query<{ n: number }>('SELECT n FROM counter');
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          await db.query('UPDATE counter SET n = $1', [rows[0]!.n + 1]);
        }),
      );
      // One that fails hands the connection on like one that commits.
      const failing = db.transaction(async () => {
        await db.query('UPDATE counter SET n = n + 1000');
        throw new Error('changed its mind');
      });
      await expect(failing).rejects.toThrow('changed its mind');
      await Promise.all(increments);
      expect((await db.query('SELECT n FROM counter')).rows).toEqual([{ n: 20 }]);
    } finally {
      await opened.close();
    }
  });

  it('hands the connection on at a commit, and after a failed commit only at the ROLLBACK', async () => {
    const driver = await pgliteDriver();
    try {
      await driver.exec('CREATE TABLE kept (n int NOT NULL)');
      // Committed and not yet released: the next transaction runs at once (it would wait for the release).
      const first = await driver.connect();
      await first.begin(() => first.query('INSERT INTO kept VALUES (1)'));
      await first.commit([]);
      const second = await driver.connect();
      await second.begin(() => second.query('INSERT INTO kept VALUES (2)'));
      await second.commit([]);
      second.release();
      first.release();

      // A commit that fails keeps the connection: the next transaction waits for the ROLLBACK, which so
      // cannot undo its work.
      const failed = await driver.connect();
      await failed.begin(() => failed.query('INSERT INTO kept VALUES (3)'));
      await expect(failed.commit([['INSERT INTO missing VALUES (1)', []]])).rejects.toThrow(/missing/);
      const after = await driver.connect();
      const afterDone = after
        .begin(() => after.query('INSERT INTO kept VALUES (4)'))
        .then(() => after.commit([]))
        .then(() => after.release());
      await failed.query('ROLLBACK');
      failed.release();
      await afterDone;
      expect((await driver.query<{ n: number }>('SELECT n FROM kept ORDER BY n')).rows).toEqual([
        { n: 1 },
        { n: 2 },
        { n: 4 },
      ]);
    } finally {
      await driver.close();
    }
  }, 10_000);

  it('keeps shared buffers small, on disk and in memory, and still reads tables larger than them', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tessera-buffers-'));
    const onDisk = await openDatabase({ dataDir: join(directory, 'data') });
    const inMemory = await pgliteTestDatabase.open();
    try {
      for (const db of [onDisk, inMemory.db]) {
        expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([
          { shared_buffers: '16MB' },
        ]);
      }
      // ~40 MB of rows: more than the buffers hold, read back whole.
      await onDisk.exec(
        "CREATE TABLE bulk AS SELECT n, repeat('x', 400) AS filler FROM generate_series(1, 80000) AS n",
      );
      const { rows } = await onDisk.query<{ n: number; megabytes: number }>(
        "SELECT count(*)::int AS n, (pg_total_relation_size('bulk') / 1048576)::int AS megabytes FROM bulk",
      );
      expect(rows[0]!.n).toBe(80_000);
      expect(rows[0]!.megabytes).toBeGreaterThan(16);
    } finally {
      await onDisk.close();
      await inMemory.close();
      rmSync(directory, { recursive: true, force: true });
    }
  }, 30_000);

  it("answers a failed statement with PostgreSQL's error and its fields", async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      await opened.db.exec('CREATE TABLE seat (id int CONSTRAINT seat_taken PRIMARY KEY)');
      await opened.db.query('INSERT INTO seat VALUES (1)');
      const refused = await opened.db.query('INSERT INTO seat VALUES (1)').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect(sqlStateOf(refused)).toBe(SqlState.uniqueViolation);
      expect(refused).toMatchObject({
        constraint: 'seat_taken',
        message: expect.stringContaining('seat_taken'),
      });
      // The connection is usable after it, in and out of transactions.
      await opened.db.transaction(() => opened.db.query('INSERT INTO seat VALUES (2)'));
      expect((await opened.db.query('SELECT id FROM seat ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await opened.close();
    }
  });

  it('carries notifications from the thread to their listener', async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      const heard: string[] = [];
      let arrived!: () => void;
      const both = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const unlisten = await opened.db.listen('seats', (payload) => {
        heard.push(payload);
        if (heard.length === 2) arrived();
      });
      await opened.db.notify('seats', 'first');
      await opened.db.transaction(() => opened.db.notify('seats', 'second'));
      await both;
      expect(heard).toEqual(['first', 'second']);
      await unlisten();
    } finally {
      await opened.close();
    }
  });

  it('keeps a process alive while a statement is out, and lets it exit once the database is idle', async () => {
    // Nothing but the statement keeps this process alive: it must print the answer, then end by itself.
    const script = `import { pgliteClient } from '@tessera/platform/sql';
const db = await pgliteClient();
void db.query('SELECT 41 + 1 AS answer').then((result) => console.log(JSON.stringify(result.rows)));`;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=@tessera/source', '--import', 'tsx', '--input-type=module', '--eval', script],
        { cwd: repository, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on('exit', (exitCode) => resolve({ code: exitCode, output }));
    });
    expect(output.trim()).toBe('[{"answer":42}]');
    expect(code).toBe(0);
  });
});
