import { cacheFence, handledCacheEvent } from './cache-fence.js';
import type { SqlClient } from './client.js';
import { identifier } from './errors.js';

/** `<schema>.<name>`, both plain identifiers: the names come from code, and are checked before any SQL uses them. */
const tableName = (name: string) => {
  const parts = name.split('.');
  for (const part of parts) identifier(part);
  if (parts.length !== 2) throw new Error(`"${name}" is not <schema>.<table>`);
  return { name, unqualified: parts[1]! };
};

export interface LocalCopyOptions<Value extends { readonly id: string }> {
  /**
   * The copy's table, `<schema>.<table>` in the module's own schema: `id` (the primary key), a column per field,
   * `updated_at`, and `exact` (boolean) when `exact` is set.
   */
  readonly table: string;
  /** Each field of a value but its id, and the column that keeps it, e.g. `{ storeId: 'store_id' }`. */
  readonly columns: { readonly [Field in Exclude<keyof Value, 'id'>]: string };
  /** The fence's table, `<schema>.cache_changes` (columns `id`, `handled_at`): see `cacheFence`. */
  readonly changes: string;
  /**
   * The other context's events carry deltas (a price change): the table then has an `exact` column, true on a
   * row made by the value's first event (every later event follows it, in order), false on a row fetched on a
   * miss (nobody knows which events its values include). Without deltas every write is idempotent.
   */
  readonly exact?: boolean;
}

/**
 * A module's local copy of another module's data, kept in a table of its own schema: fed by the other module's
 * integration events (the handlers' side: `created`, `changed`, `adjusted`, `removed`, each in the handling
 * transaction, whose inbox drops a message seen before) and, on a miss, by what the other module answers
 * (`remember`, fenced: a fetched value is not kept when an event about its id was handled since the fetch
 * began). Its `find`, `now` and `remember` are the `LocalCopy` that `readThrough` (`@tessera/platform/ddd`)
 * looks up through.
 */
export function localCopy<Value extends { readonly id: string }>(
  db: Pick<SqlClient, 'query' | 'transaction'>,
  options: LocalCopyOptions<Value>,
) {
  const { name: table, unqualified } = tableName(options.table);
  const changes = tableName(options.changes).name;
  const fields = Object.keys(options.columns) as Array<Exclude<keyof Value, 'id'> & string>;
  const columnOf = (field: string) => options.columns[field as Exclude<keyof Value, 'id'>];
  for (const field of fields) identifier(columnOf(field));
  const columns = fields.map(columnOf);
  const exact = options.exact ?? false;
  const fence = cacheFence(db, changes);

  // The statements' text depends on the options only: built once, not per event or look-up.
  const selection = ['id', ...fields.map((field) => `${columnOf(field)} AS "${field}"`)].join(', ');
  const findSql = `SELECT ${selection} FROM ${table} WHERE id = $1`;
  const names = ['id', ...columns, ...(exact ? ['exact'] : [])];
  const insertSql = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, index) => `$${index + 1}`).join(', ')})`;
  const insertValues = (value: Value, isExact: boolean) => [
    value.id,
    ...fields.map((field) => value[field]),
    ...(exact ? [isExact] : []),
  ];
  const rememberSql = `${insertSql} ON CONFLICT (id) DO NOTHING`;
  const createdSql = exact
    ? `${insertSql} ON CONFLICT (id) DO UPDATE SET ${columns.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}, exact = true,
             updated_at = now() WHERE NOT ${unqualified}.exact`
    : rememberSql;
  const handling = (id: string) => handledCacheEvent(db, changes, id);

  return {
    async find(id: string): Promise<Value | undefined> {
      const { rows } = await db.query<Value>(findSql, [id]);
      return rows[0];
    },

    now: fence.now,

    /** A value the other module answered on a miss: kept unless the fence refuses it; never over a row. */
    remember: (value: Value, since: Date) =>
      fence.remember(value.id, since, () => db.query(rememberSql, insertValues(value, false))),

    /**
     * The value's first event. Without deltas it never overwrites a row: one there already came from the other
     * module after this event (a fetch), or is this event again. With deltas it replaces a fetched row (it
     * becomes exact); a duplicate of it changes nothing, since resetting an exact row would undo the deltas
     * applied since.
     */
    async created(value: Value) {
      await handling(value.id);
      await db.query(createdSql, insertValues(value, true));
    },

    /**
     * Absolute values of a later event: right on any row, since a key's events arrive in order. No row: the
     * first event was missed (the copy started later); the next miss fetches the value.
     */
    async changed(id: string, change: Partial<Omit<Value, 'id'>>) {
      await handling(id);
      const changed = fields.filter((field) => change[field] !== undefined);
      const assignments = changed.map((field, index) => `${columnOf(field)} = $${index + 2}`);
      await db.query(
        `UPDATE ${table} SET ${[...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1`,
        [id, ...changed.map((field) => change[field])],
      );
    },

    /**
     * A delta (copies with `exact` only): right only on a row that has seen every earlier event. A fetched row
     * may or may not include it already: it is dropped, and the next look-up fetches the value again.
     */
    async adjusted(id: string, field: Exclude<keyof Value, 'id'> & string, delta: number) {
      if (!exact) throw new Error(`${table} keeps no deltas: it has no exact column`);
      await handling(id);
      const column = columnOf(field);
      await db.query(
        `UPDATE ${table} SET ${column} = ${column} + $2, updated_at = now() WHERE id = $1 AND exact`,
        [id, delta],
      );
      await db.query(`DELETE FROM ${table} WHERE id = $1 AND NOT exact`, [id]);
    },

    async removed(id: string) {
      await handling(id);
      await db.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
    },
  };
}

export type LocalCopyTable<Value extends { readonly id: string }> = ReturnType<typeof localCopy<Value>>;
