import pg from 'pg';
import type { ModuleProcess } from './plan.js';

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'tessera launcher' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// Another launcher may create the same role or database between the check and the CREATE.
const ALREADY_THERE = new Set(['42710', '42P04', '23505']);
const TEMPLATE_IN_USE = '55006';
const unlessThere = (error: unknown) => {
  if (!ALREADY_THERE.has((error as { code?: string }).code ?? '')) throw error;
};

/**
 * Each module process gets a database and a LOGIN role of its own, the role owning the database: a module can
 * reach no other module's tables. Idempotent: what exists is kept (with its data).
 */
export async function provisionDatabases(
  adminUrl: string,
  processes: readonly ModuleProcess[],
  password: string | undefined,
): Promise<void> {
  await asAdmin(adminUrl, async (client) => {
    for (const { database } of processes) {
      const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [database]);
      if (role.rowCount === 0) {
        await client
          .query(`CREATE ROLE ${quote(database)} LOGIN${password ? ` PASSWORD ${literal(password)}` : ''}`)
          .catch(unlessThere);
      }
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await createDatabase(client, database);
    }
  });
}

/**
 * CREATE DATABASE copies template1 and fails while another session (another launcher, a test making its
 * database) is copying it too: that is worth a few short retries, not a failed start.
 */
async function createDatabase(client: pg.Client, database: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${quote(database)} OWNER ${quote(database)}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (ALREADY_THERE.has(code)) return;
      if (code !== TEMPLATE_IN_USE || attempt === 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Drops what `provisionDatabases` made (tests and CI clean up after themselves). */
export async function dropDatabases(adminUrl: string, databases: readonly string[]): Promise<void> {
  await asAdmin(adminUrl, async (client) => {
    for (const database of databases) {
      await client.query(`DROP DATABASE IF EXISTS ${quote(database)} WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS ${quote(database)}`);
    }
  });
}
