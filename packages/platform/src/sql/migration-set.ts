import { type MigrationSet, sqlMigrationsIn } from './migrations.js';

/** The migration set `name` made of the `NNN_name.sql` files of a folder (a module's `migrations/`). */
export function sqlMigrationSet(name: string, folder: string | URL): MigrationSet {
  return { name, migrations: sqlMigrationsIn(folder) };
}
