import { PGlite } from '@electric-sql/pglite';
import { SqlState, sqlStateOf } from '@tessera/platform/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedStatements } from '../src/sql/pglite-statements.js';

describe('statements prepared once on PGlite (ADR 0047)', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create();
  });
  afterAll(() => pglite.close());

  const preparedNames = async () =>
    (await pglite.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map(
      (row) => row.name,
    );

  it('answers as PGlite.query does: rows, their types, and the rows a write touched', async () => {
    const { run } = preparedStatements(pglite);
    await pglite.exec(
      'CREATE TABLE cart (id int PRIMARY KEY, label text, items jsonb, at timestamptz, big bigint)',
    );
    const write =
      'INSERT INTO cart VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET label = excluded.label';
    const at = new Date('2026-12-07T03:00:00.000Z');
    const inserted = { rows: [], rowCount: 1, command: 'INSERT' };
    expect(await run([write, [1, 'one', { n: [1, 2] }, at, 5]])).toEqual(inserted);
    expect(await run([write, [1, 'uno', null, null, null]])).toEqual(inserted);
    const read = 'SELECT * FROM cart WHERE id = $1';
    const mine = await run([read, [1]]);
    const theirs = await pglite.query(read, [1]);
    expect(mine.rows).toEqual(theirs.rows);
    expect(mine.rows).toEqual([{ id: 1, label: 'uno', items: { n: [1, 2] }, at, big: 5 }]);
    expect(await run([read, [2]])).toEqual({ rows: [], rowCount: 0, command: 'SELECT' });
    // Each text was prepared once, however often it ran.
    expect((await preparedNames()).length).toBe(2);
  });

  it("refuses a bad statement with PostgreSQL's error, and prepares nothing of it", async () => {
    const { run } = preparedStatements(pglite);
    const before = await preparedNames();
    const refused = await run(['SELECT * FROM no_such_table WHERE id = $1', [1]]).catch(
      (error: unknown) => error,
    );
    expect(sqlStateOf(refused)).toBe('42P01');
    expect(await preparedNames()).toEqual(before);
    await pglite.exec('CREATE TABLE once (id int PRIMARY KEY)');
    await run(['INSERT INTO once VALUES ($1)', [1]]);
    const twice = await run(['INSERT INTO once VALUES ($1)', [1]]).catch((error: unknown) => error);
    expect(sqlStateOf(twice)).toBe(SqlState.uniqueViolation);
    expect((await run(['SELECT count(*)::int AS n FROM once', []])).rows).toEqual([{ n: 1 }]);
  });

  it('keeps no more statements than its capacity: the least recently used one is closed', async () => {
    await pglite.exec('DEALLOCATE ALL');
    const { run } = preparedStatements(pglite, 2);
    await run(['SELECT 1 AS a', []]);
    await run(['SELECT 2 AS b', []]);
    await run(['SELECT 1 AS a', []]);
    await run(['SELECT 3 AS c', []]); // closes "SELECT 2", the least recently used
    expect((await preparedNames()).length).toBe(2);
    const statements = await pglite.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements',
    );
    expect(statements.rows.map((row) => row.statement).sort()).toEqual(['SELECT 1 AS a', 'SELECT 3 AS c']);
    expect((await run(['SELECT 2 AS b', []])).rows).toEqual([{ b: 2 }]);
  });

  it('prepares a statement anew when a migration changed what it returns', async () => {
    const { run } = preparedStatements(pglite);
    await pglite.exec('CREATE TABLE shelf (id int PRIMARY KEY)');
    await run(['INSERT INTO shelf VALUES ($1)', [1]]);
    const read = 'SELECT * FROM shelf';
    expect((await run([read, []])).rows).toEqual([{ id: 1 }]);
    await pglite.exec("ALTER TABLE shelf ADD COLUMN label text NOT NULL DEFAULT 'new'");
    expect((await run([read, []])).rows).toEqual([{ id: 1, label: 'new' }]);
    // Inside a transaction the refusal has already failed it: the error is the caller's, the next run succeeds.
    await pglite.exec('ALTER TABLE shelf ADD COLUMN size int');
    await run(['BEGIN', []]);
    const refused = await run([read, []]).catch((error: unknown) => error);
    expect(sqlStateOf(refused)).toBe(SqlState.featureNotSupported);
    await run(['ROLLBACK', []]);
    expect((await run([read, []])).rows).toEqual([{ id: 1, label: 'new', size: null }]);
  });

  it('runs several statements in one call, answering the last one', async () => {
    const { run } = preparedStatements(pglite);
    await pglite.exec('CREATE TABLE till (id int PRIMARY KEY, total int NOT NULL)');
    const opened = await run(
      ['BEGIN'],
      ['INSERT INTO till VALUES ($1, $2)', [1, 10]],
      ['SELECT total FROM till', []],
    );
    expect(opened.rows).toEqual([{ total: 10 }]);
    expect(pglite.isInTransaction()).toBe(true);
    const committed = await run(['UPDATE till SET total = total + $1', [5]], ['COMMIT']);
    expect(committed.command).toBe('COMMIT');
    expect((await pglite.query('SELECT total FROM till')).rows).toEqual([{ total: 15 }]);
  });

  it('answers the last statement when those before it returned rows of their own', async () => {
    const { run } = preparedStatements(pglite);
    const answered = await run(
      ['SELECT $1::text AS first, 2 AS second', ['a']],
      ['SELECT generate_series(1, 3) AS n'],
      ['SELECT $1::int AS last', [7]],
    );
    expect(answered.rows).toEqual([{ last: 7 }]);
    const written = await run(['SELECT 1 AS one'], ['UPDATE till SET total = total + 1']);
    expect(written).toMatchObject({ rows: [], rowCount: 1, command: 'UPDATE' });
  });

  it('skips what follows a failed statement, throws its error, and the COMMIT after it is a rollback', async () => {
    const { run } = preparedStatements(pglite);
    await pglite.exec('CREATE TABLE ledger (id int PRIMARY KEY)');
    await run(['INSERT INTO ledger VALUES ($1)', [1]]);
    const refused = await run(
      ['BEGIN'],
      ['INSERT INTO ledger VALUES ($1)', [2]],
      ['INSERT INTO ledger VALUES ($1)', [1]],
      ['INSERT INTO ledger VALUES ($1)', [3]],
      ['COMMIT'],
    ).catch((error: unknown) => error);
    expect(sqlStateOf(refused)).toBe(SqlState.uniqueViolation);
    expect(refused).toMatchObject({ constraint: 'ledger_pkey' });
    // The transaction is still open, and failed: its COMMIT is answered with ROLLBACK.
    expect((await run(['COMMIT'])).command).toBe('ROLLBACK');
    expect((await pglite.query('SELECT id FROM ledger')).rows).toEqual([{ id: 1 }]);
  });
});
