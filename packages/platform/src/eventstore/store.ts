import { randomUUID } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import type { DomainEventBus } from '../ddd/index.js';
import { inSpan } from '../observability/trace-context.js';
import type { TypeRegistry } from '../registry/index.js';
import { identifier } from '../sql/errors.js';
import { type SqlClient, SqlState, sqlStateOf } from '../sql/index.js';
import { ConcurrencyError, type ExpectedVersion, encodeExpectedVersion } from './errors.js';
import type { Metadata, NewEvent, RecordedEvent } from './events.js';
import { type Follower, type FollowOptions, follow } from './follower.js';
import { createGroupCommitter } from './group-commit.js';
import { type LoneAppendRow, loneAppendSql } from './lone-append.js';
import { appendConflicts, eventsAppended, groupedCommitSize } from './metrics.js';
import { createEventReader, type FromSnapshot, toDate } from './reads.js';

export type { Metadata, NewEvent, RecordedEvent } from './events.js';

export interface AppendResult {
  /** The stream's version after the append. */
  streamVersion: number;
  /** Position of the last appended event. */
  lastPosition: number;
  events: RecordedEvent[];
}

export interface StoredSnapshot {
  streamVersion: number;
  schemaVersion: number;
  data: unknown;
}

/** Runs inside the appending transaction: a failure rolls the append back (read models kept in step). */
export type InlineProjection = (events: readonly RecordedEvent[]) => Promise<void>;

export interface EventStore {
  readonly schema: string;
  append(
    streamName: string,
    events: readonly NewEvent[],
    options?: { expectedVersion?: ExpectedVersion },
  ): Promise<AppendResult>;
  /**
   * Appends with the transaction's COMMIT, whatever the stream's version (ADR 0051): no round trip of its own,
   * and the global order's lock held only while the server commits. For a writer that reads back neither the
   * events nor their positions in the transaction. A failure fails the commit. Outside a transaction, or in a
   * store with inline projections or a bus (they need the recorded events), it is `append`.
   */
  appendAtCommit(streamName: string, events: readonly NewEvent[]): Promise<void>;
  /** Events of one stream with a version above `afterVersion` (default 0: all). */
  readStream(
    streamName: string,
    options?: { afterVersion?: number; limit?: number },
  ): Promise<RecordedEvent[]>;
  /** Events of every stream in global order, after a position (default 0: from the start). */
  readAll(options?: { afterPosition?: number; limit?: number }): Promise<RecordedEvent[]>;
  streamVersion(streamName: string): Promise<number>;
  /** Position of the last committed event (0 for none). */
  headPosition(): Promise<number>;
  readSnapshot(streamName: string): Promise<StoredSnapshot | undefined>;
  /** The stream's snapshot of `snapshotVersion` (the state's shape), if any, and its events after it, in one read. */
  readFromSnapshot(streamName: string, snapshotVersion: number): Promise<FromSnapshot>;
  writeSnapshot(streamName: string, snapshot: StoredSnapshot): Promise<void>;
  /** Follows the global order from a position, woken by each committed append (see follower.ts). */
  follow(options: FollowOptions): Promise<Follower>;
  /** Waits for appends in flight. */
  drain(): Promise<void>;
}

export interface EventStoreOptions {
  db: SqlClient;
  schema: string;
  registry: TypeRegistry;
  inlineProjections?: readonly InlineProjection[];
  /** Receives the appended events in-process once their transaction has committed. */
  bus?: DomainEventBus;
  /** Events per grouped commit at most. */
  maxBatchEvents?: number;
}

interface AppendRequest {
  streamName: string;
  expected: number;
  ids: string[];
  types: string[];
  schemaVersions: number[];
  data: string[];
  metadata: string[];
  metadataObjects: Metadata[];
  payloads: unknown[];
}

interface AppendRow {
  accepted: boolean;
  stream_version: number;
  last_position: number | null;
  /** The server's time of the append, as stored in recorded_at. */
  recorded_us: number;
}

/**
 * An append's span, `append <stream category>` (the stream's name up to its first '-', as the repositories
 * name streams `<aggregate>-<id>`), described only when recorded.
 */
const describeAppend = (streamName: string, count: number) => (span: Span) => {
  const dash = streamName.indexOf('-');
  span.updateName(`append ${dash > 0 ? streamName.slice(0, dash) : streamName}`);
  span.setAttributes({
    'tessera.stream.name': streamName,
    ...(dash > 0 ? { 'tessera.aggregate.id': streamName.slice(dash + 1) } : {}),
    'tessera.events.count': count,
  });
};

export function createEventStore(options: EventStoreOptions): EventStore {
  const { db, registry, schema } = options;
  const s = identifier(schema);
  const inline = options.inlineProjections ?? [];
  const reader = createEventReader({ db, registry, schema });
  const appendSql = `SELECT accepted, stream_version, last_position, recorded_us FROM ${s}.append_events($1, $2, $3, $4, $5, $6, $7, $8)`;
  const loneSql = { one: loneAppendSql(schema, 'one'), several: loneAppendSql(schema, 'several') };
  // PGlite prepares no statement: it would parse and plan the lone statement on every append, which costs it
  // more than the function's call (whose own statements plpgsql keeps planned). There a lone append calls it.
  const loneAsStatement = db.kind === 'postgres';
  const toRequest = (
    streamName: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): AppendRequest => {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    const request: AppendRequest = {
      streamName,
      expected: encodeExpectedVersion(expected),
      ids: [],
      types: [],
      schemaVersions: [],
      data: [],
      metadata: [],
      metadataObjects: [],
      payloads: [],
    };
    for (const event of events) {
      const encoded = registry.encode(event.type, event.data);
      const metadata = event.metadata ?? {};
      request.ids.push(event.id ?? randomUUID());
      request.types.push(event.type);
      request.schemaVersions.push(encoded.version);
      request.data.push(encoded.data);
      request.payloads.push(encoded.value);
      request.metadata.push(JSON.stringify(metadata));
      request.metadataObjects.push(metadata);
    }
    return request;
  };

  const appendParams = (batch: AppendRequest[]) => {
    const flat = (key: 'ids' | 'types' | 'schemaVersions' | 'data' | 'metadata') =>
      batch.flatMap((request): Array<string | number> => request[key]);
    return [
      batch.map((request) => request.streamName),
      batch.map((request) => request.expected),
      batch.map((request) => request.ids.length),
      flat('ids'),
      flat('types'),
      flat('schemaVersions'),
      flat('data'),
      flat('metadata'),
    ];
  };
  const callAppend = async (batch: AppendRequest[]): Promise<AppendRow[]> =>
    (await db.query<AppendRow>(appendSql, appendParams(batch))).rows;

  /**
   * A lone append outside a transaction on PostgreSQL: one statement that appends when the version it reads
   * matches. Anything else (no match, or the stream moved before the lock, or a taken event id) goes through
   * the function, which reads the version under the lock and gives the outcome the append has there.
   */
  const appendAlone = async (request: AppendRequest): Promise<AppendResult | Error> => {
    const one = request.ids.length === 1;
    try {
      const { rows } = await db.query<LoneAppendRow>(one ? loneSql.one : loneSql.several, [
        request.streamName,
        request.expected,
        one ? request.ids[0] : request.ids,
        one ? request.types[0] : request.types,
        one ? request.schemaVersions[0] : request.schemaVersions,
        one ? request.data[0] : request.data,
        one ? request.metadata[0] : request.metadata,
      ]);
      const last = rows.at(-1);
      if (last) {
        return toResult(request, {
          accepted: true,
          stream_version: last.stream_version,
          last_position: last.position,
          recorded_us: last.recorded_us,
        });
      }
    } catch (error) {
      if (sqlStateOf(error) !== SqlState.uniqueViolation) throw error;
    }
    return toResult(request, (await callAppend([request]))[0]!);
  };

  const toResult = (request: AppendRequest, row: AppendRow): AppendResult | ConcurrencyError => {
    if (!row.accepted || row.last_position === null) {
      appendConflicts.inc({ schema });
      return new ConcurrencyError(request.streamName, decodeExpected(request.expected), row.stream_version);
    }
    const count = request.ids.length;
    const firstPosition = Number(row.last_position) - count + 1;
    const firstVersion = row.stream_version - count + 1;
    const events = request.ids.map(
      (id, i): RecordedEvent => ({
        id,
        type: request.types[i]!,
        data: request.payloads[i],
        metadata: request.metadataObjects[i]!,
        streamName: request.streamName,
        streamVersion: firstVersion + i,
        position: firstPosition + i,
        recordedAt: toDate(Number(row.recorded_us)),
      }),
    );
    return { streamVersion: row.stream_version, lastPosition: Number(row.last_position), events };
  };

  /** One statement for the whole batch; an outcome per append, in order. */
  const appendBatch = async (batch: AppendRequest[]): Promise<Array<AppendResult | Error>> => {
    groupedCommitSize.observe({ schema }, batch.length);
    if (batch.length === 1 && loneAsStatement) return [await appendAlone(batch[0]!)];
    try {
      const rows = await callAppend(batch);
      return batch.map((request, i) => toResult(request, rows[i]!));
    } catch (error) {
      if (batch.length === 1 || sqlStateOf(error) !== SqlState.uniqueViolation) throw error;
      // A duplicate event id fails the whole statement: retry one by one, in order, so only its owner fails
      // (in order, so that two appends to one stream in the batch still meet their expected versions).
      const outcomes: Array<AppendResult | Error> = [];
      for (const request of batch) {
        outcomes.push(
          await callAppend([request]).then(
            (rows) => toResult(request, rows[0]!),
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
        );
      }
      return outcomes;
    }
  };

  // Appends outside a transaction are grouped: one statement, one commit for all who are waiting.
  const grouped = createGroupCommitter<AppendRequest, AppendResult>(appendBatch, {
    maxBatchWeight: options.maxBatchEvents ?? 1000,
    weigh: (request) => request.ids.length,
  });

  /** In a transaction: once it commits. Outside one: now. Either way a failing handler is reported, not thrown. */
  const publishAfterCommit = (events: readonly RecordedEvent[]) => {
    const bus = options.bus;
    return db.afterCommit(async () => {
      // Counted once committed: an append rolled back with its transaction never happened.
      eventsAppended.inc({ schema }, events.length);
      await bus?.publish(events);
    });
  };

  const afterAppend = async (events: RecordedEvent[]) => {
    for (const project of inline) await project(events);
    await publishAfterCommit(events);
  };

  const store: EventStore = {
    schema,

    append(streamName, events, appendOptions = {}) {
      return inSpan('append', { describe: describeAppend(streamName, events.length) }, async () => {
        const request = toRequest(streamName, events, appendOptions.expectedVersion ?? 'any');
        const needsTransaction = inline.length > 0 || db.inTransaction();
        if (!needsTransaction) {
          const result = await grouped.submit(request);
          await publishAfterCommit(result.events);
          return result;
        }
        return db.transaction(async () => {
          const rows = await callAppend([request]);
          const result = toResult(request, rows[0]!);
          if (result instanceof Error) throw result;
          await afterAppend(result.events);
          return result;
        });
      });
    },

    async appendAtCommit(streamName, events) {
      if (!db.inTransaction() || inline.length > 0 || options.bus) {
        await store.append(streamName, events);
        return;
      }
      const request = toRequest(streamName, events, 'any');
      await db.atCommit(appendSql, appendParams([request]));
      await db.afterCommit(() => {
        eventsAppended.inc({ schema }, events.length);
      });
    },

    readStream: reader.readStream,

    readAll: reader.readAll,

    readFromSnapshot: reader.readFromSnapshot,

    async streamVersion(streamName) {
      const { rows } = await db.query<{ version: number | null }>(
        `SELECT max(stream_version) AS version FROM ${s}.events WHERE stream_name = $1`,
        [streamName],
      );
      return rows[0]?.version ?? 0;
    },

    async headPosition() {
      const { rows } = await db.query<{ position: number | null }>(
        `SELECT max(position) AS position FROM ${s}.events`,
      );
      return Number(rows[0]?.position ?? 0);
    },

    async readSnapshot(streamName) {
      const { rows } = await db.query<{ stream_version: number; schema_version: number; data: unknown }>(
        `SELECT stream_version, schema_version, data FROM ${s}.snapshots WHERE stream_name = $1`,
        [streamName],
      );
      const row = rows[0];
      return row && { streamVersion: row.stream_version, schemaVersion: row.schema_version, data: row.data };
    },

    async writeSnapshot(streamName, snapshot) {
      // Never let an older snapshot replace a newer one.
      await db.query(
        `INSERT INTO ${s}.snapshots (stream_name, stream_version, schema_version, data)
         VALUES ($1, $2, $3, $4::json)
         ON CONFLICT (stream_name) DO UPDATE
           SET stream_version = excluded.stream_version, schema_version = excluded.schema_version,
               data = excluded.data, taken_at = now()
         WHERE ${s}.snapshots.stream_version <= excluded.stream_version`,
        [streamName, snapshot.streamVersion, snapshot.schemaVersion, JSON.stringify(snapshot.data)],
      );
    },

    follow(followOptions) {
      return follow(db, schema, reader.readAll, store.headPosition, followOptions);
    },

    drain: () => grouped.drain(),
  };
  return store;
}

function decodeExpected(expected: number): ExpectedVersion {
  if (expected === -1) return 'any';
  if (expected === -2) return 'stream_exists';
  return expected;
}
