import type { SqlClient } from './client.js';

/**
 * Runs `work`'s reads in one snapshot (REPEATABLE READ), so that they agree with each other: no commit lands
 * between two of them. Inside a transaction it joins that one, whose isolation is already set.
 */
export function inOneSnapshot<T>(
  db: Pick<SqlClient, 'query' | 'transaction' | 'inTransaction'>,
  work: () => Promise<T>,
): Promise<T> {
  if (db.inTransaction()) return work();
  return db.transaction(async () => {
    await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return work();
  });
}
