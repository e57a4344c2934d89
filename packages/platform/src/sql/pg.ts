import pg from 'pg';
import {
  type Connection,
  createSqlClient,
  type Driver,
  type QueryResult,
  RolledBackAtCommit,
  type SqlClient,
  type SqlClientOptions,
} from './client.js';

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;

/** int8 (bigint, count(*), sequences) as a JS number, as PGlite returns it; refuses values it cannot hold exactly. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is outside the safe integer range`);
  return n;
}

// Our own parsers for the types whose parsing we rely on: pg's defaults are process-global, and other libraries
// (Emmett's dumbo, for one) replace them, e.g. turning large JSON integers into BigInt.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary') {
      if (oid === INT8_OID) return parseInt8;
      if (oid === JSON_OID || oid === JSONB_OID) return JSON.parse;
    }
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept the union
    return pg.types.getTypeParser(oid, format as any);
  },
} as pg.CustomTypesConfig;

/**
 * Parameterised statements are prepared once per connection and reused by name, which saves the server a
 * parse and plan per call. Only the first texts seen get a name, so SQL built with inlined values (which
 * this codebase does not write) could not make the server hold unbounded prepared statements.
 */
const MAX_PREPARED = 500;
const preparedNames = new Map<string, string>();
function statement(text: string, params: readonly unknown[] | undefined, prepare: boolean): pg.QueryConfig {
  if (!params || params.length === 0) return { text };
  if (!prepare) return { text, values: params as unknown[] };
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < MAX_PREPARED) {
    name = `s${preparedNames.size + 1}`;
    preparedNames.set(text, name);
  }
  return name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] };
}

function committed(result: pg.QueryResult): void {
  if (result.command !== 'COMMIT') throw new RolledBackAtCommit();
}

/**
 * The socket of a client in pipeline mode, to gather several statements into one write; undefined when the
 * driver does not pipeline (another node-postgres version): statements then wait for each other.
 */
function pipelinedSocketOf(client: pg.PoolClient): { cork(): void; uncork(): void } | undefined {
  const internals = client as unknown as {
    pipeline?: boolean;
    connection?: { stream?: { cork?: () => void; uncork?: () => void } };
  };
  const stream = internals.connection?.stream;
  if (
    internals.pipeline !== true ||
    typeof stream?.cork !== 'function' ||
    typeof stream.uncork !== 'function'
  )
    return undefined;
  return stream as { cork(): void; uncork(): void };
}

export interface PostgresOptions extends SqlClientOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
  /**
   * Prepare parameterised statements by name (default true). Turn off behind a pooler that does not keep
   * prepared statements across transactions (PgBouncer in transaction mode before 1.21).
   */
  prepareStatements?: boolean;
}

export function postgresDriver(options: PostgresOptions): Driver & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 20,
    application_name: options.applicationName ?? 'tessera',
    types,
    // Pipeline mode (node-postgres ≥ 8.23): a query is sent without waiting for the answer to the one before.
    // Our code awaits each statement; `begin` uses it to send BEGIN with the first statement.
    pipeline: true,
  } as pg.PoolConfig);
  // An idle client that loses its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const prepare = options.prepareStatements ?? true;
  const listener = createListener(
    () =>
      new pg.Client({
        connectionString: options.connectionString,
        application_name: `${options.applicationName ?? 'tessera'} (listener)`,
      }),
  );
  return {
    kind: 'postgres',
    pool,
    async query(text, params) {
      const result = await pool.query(statement(text, params, prepare));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(script) {
      await pool.query(script);
    },
    async connect(): Promise<Connection> {
      const poolClient = await pool.connect();
      const query = async (text: string, params?: readonly unknown[]) => {
        const result = await poolClient.query(statement(text, params, prepare));
        return { rows: result.rows, rowCount: result.rowCount ?? 0 };
      };
      const socket = pipelinedSocketOf(poolClient);
      /**
       * Sends what `send` sends in one write (the pipelined client does not wait for one answer before sending
       * the next), then waits for every answer: a failure is thrown, the first one; else the last answer.
       */
      const inOneWrite = async <T>(pipe: { cork(): void; uncork(): void }, send: () => Array<Promise<T>>) => {
        let sent: Array<Promise<T>>;
        pipe.cork();
        try {
          sent = send();
        } finally {
          pipe.uncork();
        }
        const settled = await Promise.allSettled(sent);
        const failure = settled.find((outcome) => outcome.status === 'rejected');
        if (failure) throw failure.reason;
        return (settled.at(-1) as PromiseFulfilledResult<T>).value;
      };
      return {
        async exec(script) {
          await poolClient.query(script);
        },
        async query(text, params, before = []) {
          if (before.length === 0) return query(text, params);
          if (!socket) {
            for (const first of before) await query(first);
            return query(text, params);
          }
          return inOneWrite<QueryResult>(socket, () => [
            ...before.map((first) => query(first)),
            query(text, params),
          ]);
        },
        async begin(work) {
          if (!socket) {
            await query('BEGIN');
            return work();
          }
          // BEGIN and the first statement of `work` (sent before its first await) leave in one write,
          // and the pipelined client does not wait for BEGIN's answer before sending the statement: one
          // syscall and one round trip less per transaction.
          let began: Promise<unknown>;
          let running: ReturnType<typeof work>;
          socket.cork();
          try {
            began = poolClient.query('BEGIN');
            running = work();
          } finally {
            socket.uncork();
          }
          await Promise.all([began, running]);
          return running;
        },
        async commit(statements) {
          if (statements.length === 0 || !socket) {
            for (const [text, params] of statements) await query(text, params);
            committed(await poolClient.query('COMMIT'));
            return;
          }
          // The statements and COMMIT in one write. A failed statement aborts the transaction, and PostgreSQL
          // then answers the COMMIT with a rollback, not an error: the statement's error is what is thrown.
          const commit = await inOneWrite<unknown>(socket, () => [
            ...statements.map(([text, params]) => query(text, params)),
            poolClient.query('COMMIT'),
          ]);
          committed(commit as pg.QueryResult);
        },
        release: (broken) => poolClient.release(broken ? true : undefined),
      };
    },
    listen: listener.listen,
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * LISTEN needs a connection of its own that stays open. When it is lost, it is opened again (with growing
 * pauses), every channel is listened to again, and every listener is called once with an empty payload:
 * notifications sent meanwhile are gone, so listeners must look for themselves.
 */
function createListener(connect: () => pg.Client) {
  const channels = new Map<string, Set<(payload: string) => void>>();
  let client: Promise<pg.Client> | undefined;
  let closed = false;
  let retryMs = 100;
  // One statement at a time on the connection: subscriptions start and stop concurrently.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = (connection: pg.Client, sql: string) => {
    const run = queue.then(() => connection.query(sql));
    queue = run.catch(() => {});
    return run;
  };

  const open = (): Promise<pg.Client> => {
    client ??= (async () => {
      const connection = connect();
      connection.on('notification', (message) => {
        for (const callback of channels.get(message.channel) ?? []) callback(message.payload ?? '');
      });
      const lost = () => {
        if (closed) return;
        client = undefined;
        connection.removeAllListeners();
        connection.end().catch(() => {});
        setTimeout(reopen, retryMs).unref();
        retryMs = Math.min(retryMs * 2, 5000);
      };
      connection.on('error', lost);
      connection.on('end', lost);
      await connection.connect();
      for (const channel of channels.keys()) await connection.query(`LISTEN ${channel}`);
      retryMs = 100;
      return connection;
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };

  const reopen = () => {
    if (closed || channels.size === 0) return;
    open().then(
      () => {
        for (const callbacks of channels.values()) for (const callback of callbacks) callback('');
      },
      () => {
        setTimeout(reopen, retryMs).unref();
        retryMs = Math.min(retryMs * 2, 5000);
      },
    );
  };

  return {
    async listen(channel: string, onNotification: (payload: string) => void) {
      const connection = await open();
      let callbacks = channels.get(channel);
      if (!callbacks) {
        callbacks = new Set();
        channels.set(channel, callbacks);
        await serially(connection, `LISTEN ${channel}`);
      }
      callbacks.add(onNotification);
      return async () => {
        callbacks.delete(onNotification);
        if (callbacks.size === 0 && channels.get(channel) === callbacks) {
          channels.delete(channel);
          const current = await client?.catch(() => undefined);
          if (current) await serially(current, `UNLISTEN ${channel}`).catch(() => {});
        }
      };
    },
    async close() {
      closed = true;
      const current = await client?.catch(() => undefined);
      client = undefined;
      if (current) {
        current.removeAllListeners();
        current.on('error', () => {});
        await current.end().catch(() => {});
      }
    },
  };
}

export function postgresClient(options: PostgresOptions): SqlClient {
  return createSqlClient(postgresDriver(options), options);
}
