import { context, trace } from '@opentelemetry/api';
import { inSpan, SpanKind } from '../observability/trace-context.js';
import {
  type Connection,
  createSqlClient,
  type Driver,
  RolledBackAtCommit,
  type SqlClient,
  type SqlClientOptions,
} from './client.js';
import { startMaintenance } from './pglite-maintenance.js';
import { openInThread } from './pglite-remote.js';

/**
 * A query as a CLIENT span named and described as the pg instrumentation does its own (ADR 0045), so that a
 * trace reads the same on either database; only inside a recorded span, as pg's (`requireParentSpan`):
 * pollers make none, and nothing is built when nothing is exported. pg's queries are the instrumentation's:
 * the SQL client itself makes no span, or they would be traced twice.
 */
function queried<T>(database: string, text: string, work: () => Promise<T>): Promise<T> {
  if (!trace.getSpan(context.active())?.isRecording()) return work();
  const operation = operationOf(text);
  return inSpan(
    `pg.query:${operation} ${database}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': database,
        'db.query.text': text,
        'db.operation.name': operation,
        // The names the pg instrumentation writes by default (the semantic conventions before 1.26).
        'db.system': 'postgresql',
        'db.name': database,
        'db.statement': text,
      },
    },
    work,
  );
}

/** The statement's first word in upper case, as the pg instrumentation names a query. */
function operationOf(text: string): string {
  const trimmed = text.trim();
  const space = trimmed.search(/\s/);
  const word = (space === -1 ? trimmed : trimmed.slice(0, space)).toUpperCase();
  return word.endsWith(';') ? word.slice(0, -1) : word;
}

export interface PgliteOptions extends SqlClientOptions {
  /** A folder for the database files, or undefined for an in-memory database. */
  dataDir?: string;
  /** Starts from a copy of another database (`dump()`), skipping initdb: fast test databases. */
  loadDataDir?: Blob;
  /**
   * How often the database does what autovacuum would (`pglite-maintenance.ts`, ADR 0057): a minute, as
   * autovacuum's own naptime. 0: never.
   */
  maintenanceEveryMs?: number;
  /** Told when a maintenance pass fails (default: `console.error`); the next pass tries again. */
  onMaintenanceError?: (error: unknown) => void;
}

/**
 * PGlite run by the embedded database's thread (ADR 0047). It is one connection: the thread gives it to a
 * transaction from its first request to its commit (or release), and queues everything else meanwhile.
 */
export async function pgliteDriver(options: PgliteOptions = {}): Promise<Driver & { dump(): Promise<Blob> }> {
  const db = await openInThread({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  const database = db.name;
  const everyMs = options.maintenanceEveryMs ?? 60_000;
  const maintenance =
    everyMs > 0
      ? startMaintenance(
          { query: (text, params) => db.query(text, params, []), exec: (script) => db.exec(script, []) },
          { everyMs, ...(options.onMaintenanceError && { onError: options.onMaintenanceError }) },
        )
      : undefined;
  return {
    kind: 'pglite',
    query: <R>(text: string, params?: readonly unknown[]) =>
      queried(database, text, () => db.query<R>(text, params, [])),
    async exec(script) {
      await queried(database, script, () => db.exec(script, []));
    },
    async connect(): Promise<Connection> {
      const session = db.session();
      // BEGIN goes with the transaction's first request, and statements sent before the next one with it: one
      // message between the threads instead of several.
      let opening = false;
      const first = (before: readonly string[] = []): readonly string[] => {
        if (!opening) return before;
        opening = false;
        return ['BEGIN', ...before];
      };
      return {
        query: <R>(text: string, params?: readonly unknown[], before?: readonly string[]) =>
          queried(database, text, () => session.query<R>(text, params, first(before))),
        exec: (script) => queried(database, script, () => session.exec(script, first())),
        commit: (statements) =>
          queried(database, 'COMMIT', () =>
            session.commit(statements, first()).catch((error: unknown) => {
              throw (error as { rolledBackAtCommit?: true }).rolledBackAtCommit
                ? new RolledBackAtCommit()
                : error;
            }),
          ),
        begin: async (work) => {
          opening = true;
          return work();
        },
        release: () => session.release(),
      };
    },
    // PGlite's LISTEN runs on the one connection: the thread runs it in its turn, never inside a transaction.
    listen: (channel, onNotification) => db.listen(channel, onNotification),
    dump: () => db.dump(),
    async close() {
      await maintenance?.stop();
      await db.close();
    },
  };
}

export async function pgliteClient(options: PgliteOptions = {}): Promise<SqlClient> {
  return createSqlClient(await pgliteDriver(options), options);
}
