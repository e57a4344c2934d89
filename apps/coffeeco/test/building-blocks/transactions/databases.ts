import { type MigrationSet, migrate } from '@tessera/platform/sql';
import type { OpenedTestDatabase, TestDatabase } from '@tessera/platform/testing';

/**
 * How long a file's databases may take to open: three PGlite instances, the first after PGlite's initdb, which
 * takes its time on a busy two-core machine.
 */
export const OPENING_TIMEOUT_MS = 180_000;

/**
 * Opens one fresh database per role on `backend` (separate PGlite instances, or separate PostgreSQL databases
 * reached by separate pools) and migrates each with its own sets: what "two different databases" means here.
 */
export async function openDatabases<R extends string>(
  backend: TestDatabase,
  roles: Record<R, MigrationSet[]>,
): Promise<{ dbs: Record<R, OpenedTestDatabase>; close(): Promise<void> }> {
  // One after the other: PGlite instances compete for the same two cores; in parallel they only finish later.
  const entries: Array<readonly [string, OpenedTestDatabase]> = [];
  for (const [role, sets] of Object.entries<MigrationSet[]>(roles)) {
    const opened = await backend.open();
    entries.push([role, opened]);
    await migrate(opened.db, sets);
  }
  const dbs = Object.fromEntries(entries) as Record<R, OpenedTestDatabase>;
  return {
    dbs,
    close: async () => {
      await Promise.all(entries.map(([, opened]) => opened.close()));
    },
  };
}

/** Unique names per test, so that the tests of a file share its databases without meeting. */
export function uniqueNames(prefix: string) {
  let next = 0;
  return () => `${prefix}-${++next}`;
}
