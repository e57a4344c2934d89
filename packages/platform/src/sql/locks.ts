import type { Queryable } from './client.js';

/**
 * Inside a transaction: waits until no other transaction holds `key`, then holds it until this one ends
 * (a transaction-scoped advisory lock on the key's 64-bit hash). Serialises whatever works on one id, e.g.
 * an event handler and a cache fill of the same product.
 */
export async function lockKey(db: Pick<Queryable, 'query'>, key: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}
