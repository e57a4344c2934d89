import { migrate, openDatabase } from '@tessera/platform/sql';
import { configOrExit } from './config.js';
import { mallbotsModules } from './modules.js';

/** Applies every module's pending migrations, then exits: for deployments that migrate before starting. */
const config = configOrExit();
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const where = config.databaseUrl ? 'the PostgreSQL database' : `PGlite in ${config.dataDir}`;
  const applied = await migrate(
    db,
    mallbotsModules.flatMap((module) => module.migrations),
    (line) => process.stdout.write(`${line}\n`),
  );
  process.stdout.write(
    applied.length === 0
      ? `${where} is up to date\n`
      : `applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${where}\n`,
  );
} catch (error) {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
