import { identifier } from '../sql/errors.js';
import { appendLock, notifyChannel } from './schema.js';

/** A row the lone append statement returns: one per event appended, in order; none when it appended nothing. */
export interface LoneAppendRow {
  stream_version: number;
  position: number;
  recorded_us: number;
}

/**
 * A lone append outside a transaction, as one INSERT in autocommit (ADR 0048): it takes the append lock,
 * reads the stream's version, inserts the events if the expected version matches, and wakes followers, with
 * no function call (`append_events` runs four statements of its own per call, each with its own executor
 * start, and returns its row through a tuplestore).
 *
 * Parameters: the stream, the expected version (encoded as for `append_events`), then the events' ids,
 * types, schema versions, data and metadata: one value each for a single event (the common case, which then
 * needs no arrays to parse and unnest), one array element per event for several.
 *
 * The statement's snapshot is taken before it waits for the lock, so the stream's version it reads may be
 * older than the one under the lock. It therefore only ever appends; every other outcome is left to
 * `append_events`, which reads the version under the lock:
 * - positions are drawn after the lock (`nextval` is computed per joined row, every joined row has passed
 *   `locked`, and volatile expressions are computed after the `ORDER BY`), so they are still handed out in
 *   commit order;
 * - a version that moved meanwhile makes the insert hit the stream's unique (stream, version) key;
 * - an expected version that does not match inserts nothing, takes no lock and wakes no one (the filter on
 *   `current` is checked before `locked` is read): no row comes back.
 */
export function loneAppendSql(schema: string, events: 'one' | 'several'): string {
  const s = identifier(schema);
  const source =
    events === 'one'
      ? `(VALUES ($3::uuid, $4::text, $5::integer, $6::text, $7::text, 1))`
      : `unnest($3::uuid[], $4::text[], $5::integer[], $6::text[], $7::text[]) WITH ORDINALITY`;
  return `INSERT INTO ${s}.events
  (position, stream_name, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT nextval('${schema}.events_position_seq'), $1::text, current.version + x.k,
       x.id, x.type, x.schema_version, x.data::json, x.metadata::json
  FROM (SELECT coalesce(max(stream_version), 0) AS version FROM ${s}.events WHERE stream_name = $1::text) current,
       (SELECT ${appendLock(schema)}, pg_notify('${notifyChannel(schema)}', '')) locked,
       ${source} AS x(id, type, schema_version, data, metadata, k)
 WHERE $2::integer = -1 OR ($2::integer = -2 AND current.version > 0) OR $2::integer = current.version
 ORDER BY x.k
RETURNING stream_version, position, (extract(epoch FROM recorded_at) * 1000000)::bigint AS recorded_us`;
}
