import type { Queryable, SqlClient } from './client.js';
import { lockKey } from './locks.js';

/**
 * The fence between a local cache fed by another context's events and the values it fetches from that context
 * on a miss. A fetched value may be older than an event handled while the fetch was on its way; it is then not
 * remembered. `table` (e.g. `depot.cache_changes`, columns `id`, `handled_at`) records when an event about an
 * id was last handled. `lockKey` serialises, per id, a handler and a remembering until their transactions end,
 * so whichever comes second sees what the first did.
 */
export function cacheFence(db: Pick<SqlClient, 'query' | 'transaction'>, table: string) {
  return {
    /** The cache's clock: read it just before asking the other context. */
    async now(): Promise<Date> {
      const { rows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
      return rows[0]!.now;
    },

    /**
     * Runs `write` (the insert of a fetched value), in a transaction, unless an event about `id` was handled
     * since `since`.
     */
    remember: (id: string, since: Date, write: () => Promise<unknown>) =>
      db.transaction(async () => {
        await lockKey(db, id);
        const { rows } = await db.query(`SELECT 1 FROM ${table} WHERE id = $1 AND handled_at >= $2`, [
          id,
          since,
        ]);
        if (rows.length === 0) await write();
      }),
  };
}

/** The handlers' side of the fence: call it first, in the handling transaction, for the id the event is about. */
export async function handledCacheEvent(db: Pick<Queryable, 'query'>, table: string, id: string) {
  await lockKey(db, id);
  await db.query(
    `INSERT INTO ${table} (id, handled_at) VALUES ($1, clock_timestamp())
     ON CONFLICT (id) DO UPDATE SET handled_at = EXCLUDED.handled_at`,
    [id],
  );
}
