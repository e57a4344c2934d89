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
      await db.atCommit('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [102, 'order']);
      await db.atCommit('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [103, 'order']);
      await db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [101, 'order']);
      return ids('order');
    });
    expect(before).toEqual([101]);
    expect(await ids('order')).toEqual([101, 102, 103]);
  });

  it('runs an atCommit statement at once outside a transaction', async () => {
    await opened.db.atCommit('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [201, 'outside']);
    expect(await ids('outside')).toEqual([201]);
  });

  it("rolls back the whole transaction when an atCommit statement fails, throwing that statement's error", async () => {
    const { db } = opened;
    await db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [301, 'taken']);
    const committed: string[] = [];
    await expect(
      db.transaction(async () => {
        await db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [302, 'failed-at-commit']);
        await db.atCommit('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [301, 'failed-at-commit']);
        await db.afterCommit(() => {
          committed.push('after commit');
        });
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await ids('failed-at-commit')).toEqual([]);
    expect(committed).toEqual([]);
    // The connection went back to the pool in a usable state.
    await db.transaction(() => db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [303, 'next']));
    expect(await ids('next')).toEqual([303]);
  });

  it('refuses to pass a transaction whose work swallowed a failed statement for a commit', async () => {
    const { db } = opened;
    await db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [401, 'taken']);
    const committed: string[] = [];
    await expect(
      db.transaction(async () => {
        await db.query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [402, 'swallowed']);
        await db
          .query('INSERT INTO rows_written (id, tag) VALUES ($1, $2)', [401, 'swallowed'])
          .catch(() => {});
        await db.afterCommit(() => {
          committed.push('after commit');
        });
      }),
    ).rejects.toThrow(RolledBackAtCommit);
    expect(await ids('swallowed')).toEqual([]);
    expect(committed).toEqual([]);
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
