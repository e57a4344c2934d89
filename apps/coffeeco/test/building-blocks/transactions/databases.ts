import { type MigrationSet, migrate } from '@tessera/platform/sql';
import type { OpenedTestDatabase, TestDatabase } from '@tessera/platform/testing';

/**
 * Opens one fresh database per role on `backend` (separate PGlite instances, or separate PostgreSQL databases
 * reached by separate pools) and migrates each with its own sets: what "two different databases" means here.
 */
export async function openDatabases<R extends string>(
  backend: TestDatabase,
  roles: Record<R, MigrationSet[]>,
): Promise<{ dbs: Record<R, OpenedTestDatabase>; close(): Promise<void> }> {
  const entries = await Promise.all(
    Object.entries<MigrationSet[]>(roles).map(async ([role, sets]) => {
      const opened = await backend.open();
      await migrate(opened.db, sets);
      return [role, opened] as const;
    }),
  );
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
