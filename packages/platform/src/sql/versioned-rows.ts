import type { Versioned } from '../ddd/index.js';
import type { Queryable } from './client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be a value of a `uuid` column: anything else names no row. */
export const isUuid = (id: string): boolean => UUID.test(id);

/**
 * The row `select` finds for `id` (its `$1`), if any. Only a UUID can name a row: anything else (say, from a
 * message) is simply no row, not a SQL error.
 */
export async function rowOfUuid<R>(db: Queryable, select: string, id: string): Promise<R | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<R>(select, [id]);
  return rows[0];
}

/**
 * A state-stored aggregate's row as its repository's `load` answers it: the state and the row's `version`,
 * or, when there is no row, the initial state at version 0.
 */
export function versionedRow<R extends { readonly version: number }, State>(
  row: R | undefined,
  initialState: State,
  stateOf: (row: R) => State,
): Versioned<State> {
  return row ? { state: stateOf(row), version: row.version } : { state: initialState, version: 0 };
}
