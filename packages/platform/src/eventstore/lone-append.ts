import { identifier } from '../sql/errors.js';
import { appendLock, notifyChannel } from './schema.js';

/**
 * What the lone append statement returns: the stream's version it found, and the position of its last
 * event when it appended (null when the expected version did not match).
 */
export interface LoneAppendRow {
  stream_version: number;
  last_position: number | null;
  recorded_us: number;
}

/**
 * A lone append outside a transaction, as one statement in autocommit (ADR 0048): the append lock, the
 * stream's version, the expected version's check, the events and the wake-up of followers, with no function
 * call (`append_events` runs four statements of its own per call, each with its own executor start).
 *
 * Parameters: the stream, the expected version (encoded as for `append_events`), then the events' ids,
 * types, schema versions, data and metadata: one value each for a single event (the common case, which then
 * needs no arrays to parse and unnest), one array element per event for several.
 *
 * The statement's snapshot is taken before it waits for the lock, so the stream's version it reads may be
 * older than the one under the lock. What keeps the outcome the function's:
 * - positions are drawn after the lock (`nextval` is computed per joined row, and every joined row has
 *   passed `locked`; volatile expressions are computed after the `ORDER BY`), so they are still handed out in
 *   commit order;
 * - a version that moved meanwhile makes the insert hit the stream's unique (stream, version) key; the
 *   caller then runs the append again through `append_events`, which reads the version under the lock;
 * - a rejection is right as of the snapshot, a moment within the call: the stream was not at the expected
 *   version then (versions only grow).
 */
export function loneAppendSql(schema: string, events: 'one' | 'several'): string {
  const s = identifier(schema);
  const source =
    events === 'one'
      ? `(VALUES ($3::uuid, $4::text, $5::integer, $6::text, $7::text, 1))`
      : `unnest($3::uuid[], $4::text[], $5::integer[], $6::text[], $7::text[]) WITH ORDINALITY`;
  return `WITH locked AS MATERIALIZED (SELECT ${appendLock(schema)}),
current AS MATERIALIZED (
  SELECT coalesce(max(stream_version), 0) AS version FROM ${s}.events WHERE stream_name = $1::text),
appended AS (
  INSERT INTO ${s}.events
    (position, stream_name, stream_version, event_id, event_type, schema_version, data, metadata)
  SELECT nextval('${schema}.events_position_seq'), $1::text, current.version + x.k,
         x.id, x.type, x.schema_version, x.data::json, x.metadata::json
    FROM current, locked, ${source} AS x(id, type, schema_version, data, metadata, k)
   WHERE $2::integer = -1 OR ($2::integer = -2 AND current.version > 0) OR $2::integer = current.version
   ORDER BY x.k
  RETURNING position)
SELECT current.version AS stream_version, appended.last_position,
       (extract(epoch FROM now()) * 1000000)::bigint AS recorded_us
  FROM current
  LEFT JOIN (SELECT max(position) AS last_position, pg_notify('${notifyChannel(schema)}', '')
               FROM appended HAVING count(*) > 0) appended ON true`;
}
