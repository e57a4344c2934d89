import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pgliteClient, postgresClient, type SqlClient } from '../sql/index.js';
import { pgliteDriver } from '../sql/pglite.js';

/** The PostgreSQL server tests use; CI starts it when it is down. */
export const testServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly backend: 'pglite' | 'postgres';
  /** A fresh, empty database; `close` drops it. */
  open(): Promise<OpenedTestDatabase>;
}

export interface OpenedTestDatabase {
  readonly db: SqlClient;
  /** For a PostgreSQL database: its URL (to open more clients on it). */
  readonly url?: string;
  close(): Promise<void>;
}

/** Runs `work` on a connection of its own to the server at `url` (to make and drop databases), then closes it. */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const admin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => onServer(testServerUrl, work);

// initdb costs seconds; it runs once per test process and each test database starts from a copy.
let template: Promise<Blob> | undefined;
const pgliteTemplate = () => {
  template ??= (async () => {
    const first = await pgliteDriver();
    const dump = await first.dump();
    await first.close();
    return dump;
  })();
  return template;
};

export const pgliteTestDatabase: TestDatabase = {
  backend: 'pglite',
  async open() {
    const db = await pgliteClient({ loadDataDir: await pgliteTemplate() });
    return { db, close: () => db.close() };
  },
};

export const postgresTestDatabase: TestDatabase = {
  backend: 'postgres',
  async open() {
    const name = `test_${randomUUID().replaceAll('-', '')}`;
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(testServerUrl);
    url.pathname = `/${name}`;
    const db = postgresClient({ connectionString: url.toString(), maxConnections: 40 });
    return {
      db,
      url: url.toString(),
      async close() {
        await db.close();
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  },
};

/** Every backend a storage test must pass on: `describe.each(testDatabases)`. */
export const testDatabases: readonly TestDatabase[] = [pgliteTestDatabase, postgresTestDatabase];
