import type { SqlClient } from './client.js';
import { identifier } from './errors.js';
import { type MigrationSet, schemaMigrations } from './migrations.js';
import { inOneSnapshot } from './snapshot.js';

/** The NOTIFY channel of a schema's change positions: woken by every commit that took one. */
export const changePositionsChannel = (schema: string) => {
  identifier(schema);
  return `${schema}_changes`;
};

/**
 * A schema's change positions (ADR 0040): one counter row, the function that takes the next position from it,
 * and the trigger function that gives a changed row its position when its transaction commits.
 *
 * Taking a position updates the counter row, which holds the row's lock until the transaction ends: writers of
 * the schema take their positions one after another, each only once the previous one committed, so positions
 * commit in the order they were taken (a sequence does not give that: it hands out numbers at once, and a
 * transaction holding a lower one may commit after one holding a higher one was read). The trigger is a
 * deferred constraint trigger: it runs at COMMIT, after every statement of the transaction, so the counter's
 * lock is held only for the commit itself, and a transaction that waits for it holds nothing the holder could
 * wait for (row locks taken mid-transaction would deadlock against it). Taking a position also NOTIFYs the
 * schema's channel, delivered when (and only if) the transaction commits.
 *
 * A table opts in with a `position bigint NOT NULL DEFAULT 0` column, an index on it, and
 *
 *     CREATE CONSTRAINT TRIGGER <table>_change_position AFTER INSERT OR UPDATE ON <schema>.<table>
 *       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (pg_trigger_depth() = 0)
 *       EXECUTE FUNCTION <schema>.take_change_position('<primary key column>');
 *
 * (`WHEN (pg_trigger_depth() = 0)`: the trigger's own update of the position is not a change; `UPDATE OF
 * <columns>` instead of `UPDATE` leaves out writes that are not changes, such as a heartbeat's time).
 */
export const changePositionMigrations = (schema: string): MigrationSet =>
  schemaMigrations(schema, 'change-positions', [
    [
      'create_change_positions',
      (s) => `
-- The last position a change of this schema's rows took. One row: its lock orders the writers.
CREATE TABLE ${s}.change_position (
  one      boolean PRIMARY KEY DEFAULT true CHECK (one),
  position bigint  NOT NULL
);
INSERT INTO ${s}.change_position (one, position) VALUES (true, 0);

-- The next position. It locks the counter until the transaction ends, and wakes the schema's watchers once
-- the transaction commits.
CREATE FUNCTION ${s}.next_change_position() RETURNS bigint LANGUAGE sql VOLATILE AS $next$
  SELECT pg_notify('${changePositionsChannel(schema)}', '');
  UPDATE ${s}.change_position SET position = position + 1 RETURNING position;
$next$;

-- A deferred constraint trigger's function (see changePositionMigrations): gives the changed row, found by
-- its primary key (the trigger's argument), the next position, at COMMIT.
CREATE FUNCTION ${s}.take_change_position() RETURNS trigger LANGUAGE plpgsql AS $take$
BEGIN
  EXECUTE format(
    'UPDATE %I.%I AS changed SET position = ${s}.next_change_position() ' ||
    'WHERE changed.%3$I = (jsonb_populate_record(NULL::%1$I.%2$I, $1)).%3$I',
    TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0]
  ) USING to_jsonb(NEW);
  RETURN NULL;
END
$take$;
`,
    ],
  ]);

/** What a read in one snapshot gives: its value, and the position of the last change it shows. */
export interface AtPosition<T> {
  readonly value: T;
  readonly position: number;
}

/**
 * The change positions of a schema's rows (CRUD tables), for live routes (ADR 0029, ADR 0040): each row that
 * changes takes the next position when its transaction commits (the table's trigger), and a feed reads the
 * rows whose position is above a client's last one, in order. Positions grow strictly and
 * commit in the order they were taken, so a client that saw position p never later finds a change below p.
 * A row removed is not seen by a feed: mark it instead (a status), or keep a tombstone.
 */
export interface ChangePositions {
  /** The position of the last change committed, as the ambient transaction sees it (0 before any). */
  current(): Promise<number>;
  /**
   * `read` and the position of the last change it shows, in one snapshot (REPEATABLE READ), for a list a page
   * follows live from there. In a transaction already: in that one, the position read first (a change committed
   * between the two reads may then be sent again, never missed).
   */
  atPosition<T>(read: () => Promise<T>): Promise<AtPosition<T>>;
  /**
   * Calls `wake` after each commit that took a position, in this process or any other on the database (the
   * function's NOTIFY), and once after a lost connection (anything may have changed meanwhile). Returns the
   * unwatch. The shape live routes' `watch` takes.
   */
  watch(wake: () => void): () => void;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * A schema's change positions (its migrations: `changePositionMigrations(schema)`), listening for their
 * commits before it answers, so that a watcher added afterwards misses no commit.
 */
export async function openChangePositions(
  db: Pick<SqlClient, 'query' | 'listen' | 'transaction' | 'inTransaction'>,
  schema: string,
): Promise<ChangePositions> {
  const s = identifier(schema);
  const watchers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...watchers]) {
      try {
        wake();
      } catch (error) {
        console.error('a change position watcher failed', error);
      }
    }
  };
  let unlisten: (() => Promise<void>) | undefined = await db.listen(changePositionsChannel(schema), wakeAll);
  const current = async () => {
    const { rows } = await db.query<{ position: string }>(`SELECT position FROM ${s}.change_position`);
    if (!rows[0]) throw new Error(`the change position of ${schema} is missing: run its migrations`);
    return Number(rows[0].position);
  };
  const read = async <T>(work: () => Promise<T>): Promise<AtPosition<T>> => {
    const position = await current();
    return { position, value: await work() };
  };
  return {
    current,
    atPosition: (work) => inOneSnapshot(db, () => read(work)),
    watch(wake) {
      // A function of its own, so that one callback watched twice gives two independent unwatches.
      const watcher = () => wake();
      watchers.add(watcher);
      return () => {
        watchers.delete(watcher);
      };
    },
    async close() {
      const stop = unlisten;
      unlisten = undefined;
      watchers.clear();
      await stop?.();
    },
  };
}
