import type { TypeRegistry } from '../registry/index.js';
import { identifier } from '../sql/errors.js';
import type { SqlClient } from '../sql/index.js';
import type { Metadata, RecordedEvent } from './events.js';

/**
 * An event as read from PostgreSQL. `data` and `metadata` come as JSON text and are parsed here, so that
 * reading does not depend on the jsonb parser installed in the driver (pg's is global, and other libraries
 * replace it); recorded_at comes as whole microseconds since the epoch, much cheaper to turn into a Date
 * than timestamp text, and truncated to the millisecond as the drivers' own parsers do.
 */
interface EventRow {
  position: number;
  stream_name?: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_us: number;
}

/** The same as one element of the JSON array a read returns on PGlite. */
type JsonEventRow = [
  position: number,
  streamVersion: number,
  id: string,
  type: string,
  schemaVersion: number,
  data: unknown,
  metadata: Metadata,
  recordedUs: number,
  streamName?: string,
];

const RECORDED_US = '(extract(epoch FROM recorded_at) * 1000000)::bigint';

/** Columns of an event as read; the stream's name only when the reader does not know it already. */
function eventColumns(withStream: boolean, format: 'row' | 'json'): string {
  const columns =
    format === 'row'
      ? `position, stream_version, event_id, event_type, schema_version, data::text AS data, metadata::text AS metadata, ${RECORDED_US} AS recorded_us`
      : `position, stream_version, event_id, event_type, schema_version, data, metadata, ${RECORDED_US}`;
  return withStream ? `${columns}, stream_name` : columns;
}

export const toDate = (microseconds: number) => new Date(Math.floor(microseconds / 1000));

export interface EventReader {
  readStream(
    streamName: string,
    options?: { afterVersion?: number; limit?: number },
  ): Promise<RecordedEvent[]>;
  readAll(options?: { afterPosition?: number; limit?: number }): Promise<RecordedEvent[]>;
  /** A stream's snapshot of this shape, if any, and its events after it: one statement. */
  readFromSnapshot(streamName: string, snapshotVersion: number): Promise<FromSnapshot>;
}

/** What loading an aggregate reads: its usable snapshot, and the events that came after it. */
export interface FromSnapshot {
  readonly snapshot?: { readonly streamVersion: number; readonly data: unknown };
  readonly events: RecordedEvent[];
}

/** Reading a stream, or the global order, decoded and upcast through the registry. */
export function createEventReader({
  db,
  registry,
  schema,
}: {
  db: SqlClient;
  registry: TypeRegistry;
  schema: string;
}): EventReader {
  const s = identifier(schema);
  // How reads come back. On PostgreSQL, as rows: node-pg parses them faster than the server builds one JSON
  // document (measured with PostgreSQL 15). PGlite decodes every field of every row in JavaScript, and there
  // one JSON document per read, parsed at once, is about three times faster.
  const readsAsJson = db.kind === 'pglite';
  const readSql = (where: string, order: string, limit: string, withStream: boolean) =>
    readsAsJson
      ? `SELECT coalesce(json_agg(json_build_array(${eventColumns(withStream, 'json')}) ORDER BY ${order}), '[]')::text AS events
           FROM (SELECT * FROM ${s}.events WHERE ${where} ORDER BY ${order} LIMIT ${limit}) e`
      : `SELECT ${eventColumns(withStream, 'row')} FROM ${s}.events WHERE ${where} ORDER BY ${order} LIMIT ${limit}`;
  // The stream's name is known when reading one stream: not read back for every event.
  const readStreamSql = readSql('stream_name = $1 AND stream_version > $2', 'stream_version', '$3', false);
  const readAllSql = readSql('position > $1', 'position', '$2', true);
  // Loading an aggregate: its snapshot of the asked shape and the events after it, in one round trip. On
  // PostgreSQL the snapshot is the first row (no event id, its state in `data`); on PGlite, a column of its own.
  const snapshotOf = `FROM ${s}.snapshots WHERE stream_name = $1 AND schema_version = $2`;
  const afterSnapshot = `stream_name = $1 AND stream_version > coalesce((SELECT stream_version ${snapshotOf}), 0)`;
  const readFromSnapshotSql = readsAsJson
    ? `SELECT (SELECT json_build_array(stream_version, data)::text ${snapshotOf}) AS snapshot,
              (${readSql(afterSnapshot, 'stream_version', 'ALL', false)}) AS events`
    : `SELECT NULL::bigint AS position, stream_version, NULL::uuid AS event_id, NULL::text AS event_type,
              NULL::integer AS schema_version, data::text AS data, NULL::text AS metadata, NULL::bigint AS recorded_us
         ${snapshotOf}
       UNION ALL
       (SELECT ${eventColumns(false, 'row')} FROM ${s}.events WHERE ${afterSnapshot})
       ORDER BY stream_version`;

  const fromRow = (row: EventRow, streamName: string): RecordedEvent => ({
    id: row.event_id,
    type: row.event_type,
    data: registry.decode(row.event_type, row.schema_version, JSON.parse(row.data)),
    metadata: JSON.parse(row.metadata) as Metadata,
    streamName,
    streamVersion: row.stream_version,
    position: Number(row.position),
    recordedAt: toDate(Number(row.recorded_us)),
  });

  const fromJson = (event: JsonEventRow, streamName: string): RecordedEvent => {
    const [position, streamVersion, id, type, schemaVersion, data, metadata, recordedUs] = event;
    return {
      id,
      type,
      data: registry.decode(type, schemaVersion, data),
      metadata,
      streamName,
      streamVersion,
      position,
      recordedAt: toDate(recordedUs),
    };
  };

  /** Runs a read made by `readSql`; `streamName` when the reader knows it. */
  const read = async (sql: string, params: unknown[], streamName?: string): Promise<RecordedEvent[]> => {
    if (readsAsJson) {
      const { rows } = await db.query<{ events: string }>(sql, params);
      const events = JSON.parse(rows[0]!.events) as JsonEventRow[];
      return events.map((event) => fromJson(event, streamName ?? event[8]!));
    }
    const { rows } = await db.query<EventRow>(sql, params);
    return rows.map((row) => fromRow(row, streamName ?? row.stream_name!));
  };

  return {
    readStream: (streamName, readOptions = {}) =>
      read(readStreamSql, [streamName, readOptions.afterVersion ?? 0, readOptions.limit ?? null], streamName),
    readAll: (readOptions = {}) =>
      read(readAllSql, [readOptions.afterPosition ?? 0, readOptions.limit ?? 1000]),
    async readFromSnapshot(streamName, snapshotVersion) {
      const params = [streamName, snapshotVersion];
      if (readsAsJson) {
        const { rows } = await db.query<{ snapshot: string | null; events: string }>(
          readFromSnapshotSql,
          params,
        );
        const row = rows[0]!;
        const events = (JSON.parse(row.events) as JsonEventRow[]).map((event) => fromJson(event, streamName));
        if (row.snapshot === null) return { events };
        const [streamVersion, data] = JSON.parse(row.snapshot) as [number, unknown];
        return { snapshot: { streamVersion, data }, events };
      }
      // The snapshot's row is the one without an event id.
      const { rows } = await db.query<EventRow | (EventRow & { event_id: null })>(
        readFromSnapshotSql,
        params,
      );
      const first = rows[0];
      if (first === undefined || first.event_id !== null)
        return { events: rows.map((row) => fromRow(row, streamName)) };
      return {
        snapshot: { streamVersion: first.stream_version, data: JSON.parse(first.data) },
        events: rows.slice(1).map((row) => fromRow(row, streamName)),
      };
    },
  };
}
