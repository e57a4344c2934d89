import { RolledBackAtCommit } from '@tessera/platform/sql';
import { testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { openedForSuite } from './support/suite.js';

/**
 * How a transaction begins and ends (ADR 0020): BEGIN may leave with the first statement and `atCommit`
 * statements with the COMMIT, and a COMMIT that PostgreSQL answers with ROLLBACK is a failure, not a commit.
 */
describe.each(testDatabases)('transactions begun and committed on $backend', (backend) => {
  const opened = openedForSuite(async () => {
    const database = await backend.open();
    await database.db.exec(
      'CREATE TABLE rows_written (seq serial PRIMARY KEY, id int UNIQUE NOT NULL, tag text NOT NULL)',
    );
    return database;
  });

  const WRITE = 'INSERT INTO rows_written (id, tag) VALUES ($1, $2)';

  const ids = async (tag: string) =>
    (
      await opened.db.query<{ id: number }>('SELECT id FROM rows_written WHERE tag = $1 ORDER BY seq', [tag])
    ).rows.map((row) => row.id);

  it('runs the first statement of the work inside the transaction it opens', async () => {
    const { db } = opened;
    // SET LOCAL lasts until the end of its transaction: outside one it would be gone by the next statement.
    const seen = await db.transaction(async () => {
      await db.query("SELECT set_config('tessera.probe', 'inside', true)");
      const { rows } = await db.query<{ probe: string }>(
        "SELECT current_setting('tessera.probe', true) AS probe",
      );
      return rows[0]!.probe;
    });
    expect(seen).toBe('inside');
  });

  it('runs atCommit statements last, in their order, and only at the commit', async () => {
    const { db } = opened;
    const before = await db.transaction(async () => {
      await db.atCommit(WRITE, [102, 'order']);
      await db.atCommit(WRITE, [103, 'order']);
      await db.query(WRITE, [101, 'order']);
      return ids('order');
    });
    expect(before).toEqual([101]);
    expect(await ids('order')).toEqual([101, 102, 103]);
  });

  it('runs an atCommit statement at once outside a transaction', async () => {
    await opened.db.atCommit(WRITE, [201, 'outside']);
    expect(await ids('outside')).toEqual([201]);
  });

  // A transaction whose second write clashes with a row taken before it: a failure however the work meets it.
  const clashes = [
    {
      title:
        "rolls back the whole transaction when an atCommit statement fails, throwing that statement's error",
      tag: 'failed-at-commit',
      // The id taken before; the work's own and the one written after follow it.
      taken: 301,
      clash: (id: number, tag: string) => opened.db.atCommit(WRITE, [id, tag]),
      error: /duplicate key/,
    },
    {
      title: 'refuses to pass a transaction whose work swallowed a failed statement for a commit',
      tag: 'swallowed',
      taken: 401,
      clash: (id: number, tag: string) => opened.db.query(WRITE, [id, tag]).catch(() => {}),
      error: RolledBackAtCommit,
    },
  ];
  for (const { title, tag, taken, clash, error } of clashes)
    it(title, async () => {
      const { db } = opened;
      await db.query(WRITE, [taken, 'taken']);
      const committed: string[] = [];
      await expect(
        db.transaction(async () => {
          await db.query(WRITE, [taken + 1, tag]);
          await clash(taken, tag);
          await db.afterCommit(() => {
            committed.push('after commit');
          });
        }),
      ).rejects.toThrow(error);
      expect(await ids(tag)).toEqual([]);
      expect(committed).toEqual([]);
      // The connection went back to the pool in a usable state.
      await db.transaction(() => db.query(WRITE, [taken + 2, `${tag}, next`]));
      expect(await ids(`${tag}, next`)).toEqual([taken + 2]);
    });

  it('sends a beforeNext statement with the next one, in front of it: a savepoint taken there undoes what follows', async () => {
    const { db } = opened;
    await db.transaction(async () => {
      await db.query(WRITE, [501, 'savepoint']);
      await db.beforeNext('SAVEPOINT probe');
      await db.query(WRITE, [502, 'savepoint']);
      await db.query('ROLLBACK TO SAVEPOINT probe');
      await db.query(WRITE, [503, 'savepoint']);
    });
    expect(await ids('savepoint')).toEqual([501, 503]);
  });

  it('does not run a beforeNext statement until the next one, whose call throws its error', async () => {
    const { db } = opened;
    await expect(
      db.transaction(async () => {
        await db.query(WRITE, [601, 'deferred']);
        // Sent now, this would throw here.
        await db.beforeNext('SELECT 1/0');
        await expect(db.query(WRITE, [602, 'deferred'])).rejects.toThrow(/division by zero/);
      }),
    ).rejects.toThrow(RolledBackAtCommit);
    expect(await ids('deferred')).toEqual([]);
    await db.transaction(() => db.query(WRITE, [603, 'deferred, next']));
    expect(await ids('deferred, next')).toEqual([603]);
  });

  it('sends a beforeNext statement with the COMMIT when nothing follows it, failing the commit if it fails', async () => {
    const { db } = opened;
    await expect(
      db.transaction(async () => {
        await db.query(WRITE, [701, 'last']);
        await db.beforeNext('SELECT 1/0');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await ids('last')).toEqual([]);
    await db.transaction(async () => {
      await db.query(WRITE, [702, 'last']);
      await db.beforeNext('SAVEPOINT unused');
    });
    expect(await ids('last')).toEqual([702]);
  });

  it('runs a beforeNext statement at once outside a transaction', async () => {
    await expect(opened.db.beforeNext('SELECT 1/0')).rejects.toThrow(/division by zero/);
  });

  it('commits a transaction whose work ran no statement, and runs its after-commit callbacks', async () => {
    const { db } = opened;
    const committed: string[] = [];
    await db.transaction(async () => {
      await db.afterCommit(() => {
        committed.push('after commit');
      });
    });
    expect(committed).toEqual(['after commit']);
  });
});
