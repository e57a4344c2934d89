import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
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
import { SqlState, sqlStateOf } from './errors.js';

/** A FIFO mutex: PGlite is one connection, so a transaction must own it until it ends. */
function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  const acquire = (): Promise<() => void> => {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = tail.then(() => release);
    tail = tail.then(() => next);
    return acquired;
  };
  return {
    acquire,
    /** Runs `work` alone on the connection. */
    async exclusive<T>(work: () => Promise<T>): Promise<T> {
      const release = await acquire();
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}

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
  /** Starts from a copy of another database (`PGlite.dumpDataDir()`), skipping initdb: fast test databases. */
  loadDataDir?: Blob;
}

export async function pgliteDriver(options: PgliteOptions = {}): Promise<Driver & { pglite: PGlite }> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir });
  const mutex = createMutex();
  const database = (await pglite.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
  const run = <R>(text: string, params?: readonly unknown[]) =>
    queried(database, text, async () => {
      const result = await pglite.query<R>(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    });
  const exec = (script: string) => queried(database, script, () => pglite.exec(script));
  return {
    kind: 'pglite',
    pglite,
    query: <R>(text: string, params?: readonly unknown[]) => mutex.exclusive(() => run<R>(text, params)),
    async exec(script) {
      await mutex.exclusive(() => exec(script));
    },
    async connect(): Promise<Connection> {
      const release = await mutex.acquire();
      return {
        query: run,
        exec: async (script) => {
          await exec(script);
        },
        commit: async (statements) => {
          for (const [text, params] of statements) await run(text, params);
          // PGlite does not say whether COMMIT committed or rolled back; a failed transaction refuses any
          // statement (25P02), so ask first (in-process, it costs nothing).
          await run('SELECT 1').catch((error: unknown) => {
            throw sqlStateOf(error) === SqlState.inFailedTransaction ? new RolledBackAtCommit() : error;
          });
          await run('COMMIT');
        },
        // In-process: a round trip costs nothing to save.
        begin: async (work) => {
          await run('BEGIN');
          return work();
        },
        release: () => release(),
      };
    },
    async listen(channel, onNotification) {
      // PGlite's listen runs a LISTEN on the one connection: never in the middle of someone's transaction.
      const unlisten = await mutex.exclusive(() => pglite.listen(channel, onNotification));
      return () => mutex.exclusive(unlisten);
    },
    close: () => pglite.close(),
  };
}

export async function pgliteClient(options: PgliteOptions = {}): Promise<SqlClient> {
  return createSqlClient(await pgliteDriver(options), options);
}
