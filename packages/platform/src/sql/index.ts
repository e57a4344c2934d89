export { cacheFence, handledCacheEvent } from './cache-fence.js';
export type { AtPosition, ChangePositions } from './change-positions.js';
export { changePositionMigrations, openChangePositions } from './change-positions.js';
export type { Queryable, QueryResult, Row, SqlClient, SqlClientOptions } from './client.js';
export { RolledBackAtCommit } from './client.js';
export { SqlState, sqlStateOf } from './errors.js';
export { isTimestampKey, timestampKey } from './keyset.js';
export type { LocalCopyOptions, LocalCopyTable } from './local-copy.js';
export { localCopy } from './local-copy.js';
export { lockKey } from './locks.js';
export { sqlMigrationSet } from './migration-set.js';
export type { AppliedMigration, Migration, MigrationSet } from './migrations.js';
export { migrate, schemaMigrations, sqlMigrationsIn } from './migrations.js';
export type { PostgresOptions } from './pg.js';
export { postgresClient } from './pg.js';
export type { PgliteOptions } from './pglite.js';
export { pgliteClient } from './pglite.js';
export { inOneSnapshot } from './snapshot.js';
export { isUuid, rowOfUuid, versionedRow } from './versioned-rows.js';

import type { SqlClient, SqlClientOptions } from './client.js';
import { postgresClient } from './pg.js';
import { pgliteClient } from './pglite.js';

/** `DATABASE_URL` selects a PostgreSQL server; otherwise PGlite keeps the data under `dataDir`. */
export async function openDatabase(
  options: {
    databaseUrl?: string | undefined;
    dataDir?: string | undefined;
    applicationName?: string;
    /** PostgreSQL only: the pool's size. */
    maxConnections?: number;
  } & SqlClientOptions,
): Promise<SqlClient> {
  if (options.databaseUrl) {
    return postgresClient({ ...options, connectionString: options.databaseUrl });
  }
  return pgliteClient(options);
}
