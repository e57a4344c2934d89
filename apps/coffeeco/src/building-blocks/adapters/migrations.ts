import { type MigrationSet, sqlMigrationSet } from '@tessera/platform/sql';

/**
 * The building blocks' tables (bookings, orders), in their own schema. They are no module's, so no host runs
 * them: the tests that keep data migrate them (`migrate(db, [buildingBlocksMigrations])`).
 */
export const BUILDING_BLOCKS_SCHEMA = 'coffeeco_building_blocks';

export const buildingBlocksMigrations: MigrationSet = sqlMigrationSet(
  BUILDING_BLOCKS_SCHEMA,
  new URL('../migrations/', import.meta.url),
);
