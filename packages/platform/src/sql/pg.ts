import pg from 'pg';
import {
  type Connection,
  createSqlClient,
  type Driver,
  type SqlClient,
  type SqlClientOptions,
} from './client.js';

const INT8_OID = 20;

/** int8 (bigint, count(*), sequences) as a JS number, as PGlite returns it; refuses values it cannot hold exactly. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is outside the safe integer range`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept the union
    return pg.types.getTypeParser(oid, format as any);
  },
} as pg.CustomTypesConfig;

export interface PostgresOptions extends SqlClientOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
}

export function postgresDriver(options: PostgresOptions): Driver & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 20,
    application_name: options.applicationName ?? 'tessera',
    types,
  });
  // An idle client that loses its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    pool,
    async query(text, params) {
      const result = await pool.query(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(script) {
      await pool.query(script);
    },
    async connect(): Promise<Connection> {
      const poolClient = await pool.connect();
      return {
        async exec(script) {
          await poolClient.query(script);
        },
        async query(text, params) {
          const result = await poolClient.query(text, params as unknown[]);
          return { rows: result.rows, rowCount: result.rowCount ?? 0 };
        },
        release: (broken) => poolClient.release(broken ? true : undefined),
      };
    },
    close: () => pool.end(),
  };
}

export function postgresClient(options: PostgresOptions): SqlClient {
  return createSqlClient(postgresDriver(options), options);
}
