import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  type Envelope,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
  type Publisher,
} from '@tessera/platform/messaging';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import {
  deleteTestStream,
  type TestBrokerKind,
  type TestDatabase,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { buildingBlocksMigrations } from '../../src/building-blocks/adapters/migrations.js';

/** A fresh database with the building blocks' tables (and any other migration sets given). */
export async function openBuildingBlocks(backend: TestDatabase, ...more: Parameters<typeof migrate>[1]) {
  const opened = await backend.open();
  await migrate(opened.db, [buildingBlocksMigrations, ...more]);
  return opened;
}

/** A statement as the spied client saw it. */
export interface Statement {
  readonly text: string;
  readonly params: readonly unknown[];
}

/** Only what reads: a SELECT (or a WITH of SELECTs only), and nothing that locks rows for an update. */
export const isRead = (text: string) =>
  /^\s*(select|with)\b/i.test(text) &&
  !/\b(insert|update|delete|merge|truncate|for\s+update|for\s+share)\b/i.test(text) &&
  !/\bpublish\s*\(/i.test(text);

/**
 * The client `db` as seen by a spy: every statement it is given (queries, scripts, at-commit statements,
 * notifications) is recorded; `failAt(n, error)` makes the n-th write statement from now on throw instead of
 * running (fault injection between the writes of one save).
 */
export function spiedClient(db: SqlClient) {
  const statements: Statement[] = [];
  let failing: { remaining: number; error: Error } | undefined;
  const writeFault = (text: string) => {
    if (!failing || isRead(text)) return;
    failing.remaining -= 1;
    if (failing.remaining === 0) {
      const { error } = failing;
      failing = undefined;
      throw error;
    }
  };
  const client: SqlClient = {
    kind: db.kind,
    async query(text, params = []) {
      statements.push({ text, params });
      writeFault(text);
      return db.query(text, params);
    },
    async exec(script) {
      statements.push({ text: script, params: [] });
      writeFault(script);
      return db.exec(script);
    },
    async atCommit(text, params = []) {
      statements.push({ text, params });
      // A write sent with the COMMIT fails the transaction as one sent at once would.
      writeFault(text);
      return db.atCommit(text, params);
    },
    async beforeNext(text) {
      statements.push({ text, params: [] });
      return db.beforeNext(text);
    },
    async notify(channel, payload) {
      statements.push({ text: `NOTIFY ${channel}`, params: [payload] });
      return db.notify(channel, payload);
    },
    transaction: (work) => db.transaction(work),
    inTransaction: () => db.inTransaction(),
    afterCommit: (callback) => db.afterCommit(callback),
    listen: (channel, onNotification) => db.listen(channel, onNotification),
    close: () => db.close(),
  };
  return {
    client,
    statements,
    writes: () => statements.filter((statement) => !isRead(statement.text)),
    failAt(n: number, error: Error) {
      failing = { remaining: n, error };
    },
    clear() {
      statements.length = 0;
    },
  };
}

/** A publisher that records what it is asked to publish, then passes it on (or not, without `next`). */
export function spiedPublisher(next?: Publisher) {
  const published: Envelope[] = [];
  const publisher: Publisher = {
    async publish(envelopes) {
      published.push(...envelopes);
      await next?.publish(envelopes);
    },
  };
  return { publisher, published };
}

/** Every row of every table outside the system's schemas, in a stable order: a dump to compare. */
export async function dump(db: SqlClient): Promise<Record<string, string[]>> {
  const { rows: tables } = await db.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  );
  const result: Record<string, string[]> = {};
  for (const { table_schema, table_name } of tables) {
    const { rows } = await db.query(`SELECT * FROM "${table_schema}"."${table_name}"`);
    result[`${table_schema}.${table_name}`] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return result;
}

/**
 * A fresh database with the building blocks' tables and a broker of the given kind on it. The broker and the
 * code under test use `spy.client`, so that the outbox's writes are seen (and can fail) with the others.
 */
export async function openMessagingTestbed(backend: TestDatabase, kind: TestBrokerKind) {
  const opened = await openBuildingBlocks(
    backend,
    kind === 'nats' ? natsBrokerMigrations() : embeddedBrokerMigrations(),
  );
  const spy = spiedClient(opened.db);
  const stream = kind === 'nats' ? uniqueTestStream() : undefined;
  const quiet = { onError: () => {} };
  const broker: Broker = stream
    ? await createNatsBroker({
        db: spy.client,
        servers: testNatsUrl,
        stream,
        partitions: 2,
        ackWaitMs: 2_000,
        ...quiet,
      })
    : createEmbeddedBroker({ db: spy.client, idleRecheckMs: 3_600_000, ...quiet });
  return {
    db: opened.db,
    spy,
    broker,
    async close() {
      await broker.close();
      if (stream) await deleteTestStream(stream);
      await opened.close();
    },
  };
}
