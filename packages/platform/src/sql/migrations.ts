import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from './client.js';
import { identifier } from './errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** An ordered list of migrations tracked under one name, usually one per schema and component. */
export interface MigrationSet {
  name: string;
  migrations: Migration[];
}

export interface AppliedMigration {
  set: string;
  version: number;
  name: string;
}

/**
 * A platform component's tables in a schema, tracked as `<schema>.<component>`: each step a name and its SQL
 * (given the quoted schema), numbered in list order; the first one creates the schema. Append steps, never edit
 * one that has been released (released-migrations.unit.test.ts pins them).
 */
export function schemaMigrations(
  schema: string,
  component: string,
  steps: ReadonlyArray<readonly [name: string, sql: (quotedSchema: string) => string]>,
  setName = `${schema}.${component}`,
): MigrationSet {
  const s = identifier(schema);
  return {
    name: setName,
    migrations: steps.map(([name, sql], index) => ({
      version: index + 1,
      name,
      sql: index === 0 ? `\nCREATE SCHEMA IF NOT EXISTS ${s};${sql(s)}` : sql(s),
    })),
  };
}

/**
 * Makes a plpgsql function plan its statements once per connection (ADR 0056). PostgreSQL plans a statement
 * that reads the function's arguments anew at every call when it guesses that the arguments' values matter,
 * and for statements over arrays of unknown length (an append's events, a publish's messages) it always does:
 * on PGlite that planning was a third of a publish. Only for functions whose plan does not depend on the values
 * (every statement finds its rows by key).
 */
export const planOnce = (signature: string) =>
  `ALTER FUNCTION ${signature} SET plan_cache_mode = force_generic_plan;`;

const FILE_PATTERN = /^(\d+)_([a-z0-9_]+)\.sql$/;

/** Reads `NNN_name.sql` files from a folder, in version order. */
export function sqlMigrationsIn(folder: string | URL): Migration[] {
  const dir = folder instanceof URL ? fileURLToPath(folder) : folder;
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`migration file ${file} in ${dir} is not named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  checkVersions(dir, migrations);
  return migrations;
}

function checkVersions(where: string, migrations: Migration[]) {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migrations in ${where} must be numbered 1, 2, 3… without gaps; found ${migration.version}`,
      );
    }
  });
}

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

const LOCK_KEY = 727_001; // one advisory lock: processes starting together migrate one after the other

/**
 * Applies what is missing of each set, all in one transaction: either every pending migration lands or none.
 * An applied migration whose text has since changed is an error, not a silent skip.
 */
export async function migrate(
  db: SqlClient,
  sets: MigrationSet[],
  log: (line: string) => void = () => {},
): Promise<AppliedMigration[]> {
  for (const set of sets) checkVersions(set.name, set.migrations);
  return db.transaction(async () => {
    await db.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await db.query(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
      migration_set text NOT NULL,
      version integer NOT NULL,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_set, version))`);
    const { rows } = await db.query<{
      migration_set: string;
      version: number;
      checksum: string;
      name: string;
    }>('SELECT migration_set, version, name, checksum FROM public.schema_migrations');
    const done = new Map(rows.map((row) => [`${row.migration_set}#${row.version}`, row]));
    const applied: AppliedMigration[] = [];
    for (const set of sets) {
      for (const migration of set.migrations) {
        const previous = done.get(`${set.name}#${migration.version}`);
        const sum = checksum(migration.sql);
        if (previous) {
          if (previous.checksum !== sum) {
            throw new Error(
              `migration ${set.name} ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead`,
            );
          }
          continue;
        }
        await db.exec(migration.sql);
        await db.query(
          'INSERT INTO public.schema_migrations (migration_set, version, name, checksum) VALUES ($1, $2, $3, $4)',
          [set.name, migration.version, migration.name, sum],
        );
        applied.push({ set: set.name, version: migration.version, name: migration.name });
        log(`applied migration ${set.name} ${migration.version}_${migration.name}`);
      }
    }
    return applied;
  });
}
