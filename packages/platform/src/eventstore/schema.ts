import { type MigrationSet, schemaMigrations } from '../sql/index.js';
import { planOnce } from '../sql/migrations.js';

/**
 * The event store's tables in a module's schema.
 *
 * Global order: every append takes one transaction-scoped advisory lock per schema before it draws
 * positions, and holds it until its transaction ends. Positions are therefore handed out in commit order,
 * so a follower reading `position > checkpoint` can never pass a position whose transaction has yet to
 * commit. Concurrent appenders pay for this with a queue on the lock, which is why appends made outside
 * a business transaction are coalesced into shared commits (see group-commit.ts).
 */
/** The channel an event store notifies on commit of an append, for followers to wake up. */
export const notifyChannel = (schema: string) => `${schema}_events`;

/** The call that takes a schema's append lock (see above), held until the transaction ends. */
export const appendLock = (schema: string) => `pg_advisory_xact_lock(7270, hashtext('${schema}.events'))`;

export function eventStoreMigrations(schema: string): MigrationSet {
  const lock = appendLock(schema);
  return schemaMigrations(schema, 'eventstore', [
    [
      'events_and_snapshots',
      (s) => `
CREATE SEQUENCE ${s}.events_position_seq AS bigint;
CREATE TABLE ${s}.events (
  position        bigint      PRIMARY KEY,
  stream_name     text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version > 0),
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  schema_version  integer     NOT NULL,
  data            json        NOT NULL,
  metadata        json        NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_key UNIQUE (stream_name, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);
CREATE TABLE ${s}.snapshots (
  stream_name     text        PRIMARY KEY,
  stream_version  integer     NOT NULL,
  schema_version  integer     NOT NULL,
  data            json        NOT NULL,
  taken_at        timestamptz NOT NULL DEFAULT now()
);
-- One call appends a batch of appends, each checked against its expected version under the lock.
-- p_expected: a version, -1 for any, -2 for "the stream must exist". Returns one row per append.
-- data and metadata are json, not jsonb: stored and returned as the text they came as, which makes appends
-- and reads cheaper; nothing queries inside an event's payload in SQL.
CREATE FUNCTION ${s}.append_events(
  p_streams text[], p_expected integer[], p_counts integer[],
  p_ids uuid[], p_types text[], p_schema_versions integer[], p_data text[], p_metadata text[]
) RETURNS TABLE (accepted boolean, stream_version integer, last_position bigint, recorded_us bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  i integer;
  n integer;
  first integer := 1;
  current_version integer;
BEGIN
  PERFORM ${lock};
  -- recorded_at defaults to now(), the transaction's start: the same instant for every row it writes.
  recorded_us := (extract(epoch FROM now()) * 1000000)::bigint;
  FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
    n := p_counts[i];
    SELECT coalesce(max(e.stream_version), 0) INTO current_version
      FROM ${s}.events e WHERE e.stream_name = p_streams[i];
    IF p_expected[i] = -1 OR (p_expected[i] = -2 AND current_version > 0) OR p_expected[i] = current_version THEN
      INSERT INTO ${s}.events
        (position, stream_name, stream_version, event_id, event_type, schema_version, data, metadata)
      SELECT nextval('${schema}.events_position_seq'), p_streams[i], current_version + x.k,
             x.id, x.type, x.schema_version, x.data::json, x.metadata::json
        FROM unnest(p_ids[first:first + n - 1], p_types[first:first + n - 1],
                    p_schema_versions[first:first + n - 1], p_data[first:first + n - 1],
                    p_metadata[first:first + n - 1])
             WITH ORDINALITY AS x(id, type, schema_version, data, metadata, k)
       ORDER BY x.k;
      accepted := true;
      stream_version := current_version + n;
      last_position := currval('${schema}.events_position_seq');
    ELSE
      accepted := false;
      stream_version := current_version;
      last_position := NULL;
    END IF;
    first := first + n;
    RETURN NEXT;
  END LOOP;
  -- Wakes followers when the transaction commits (never before, never on rollback).
  PERFORM pg_notify('${notifyChannel(schema)}', '');
END
$fn$;`,
    ],
    [
      'plan_once',
      (s) =>
        planOnce(
          `${s}.append_events(text[], integer[], integer[], uuid[], text[], integer[], text[], text[])`,
        ),
    ],
  ]);
}
