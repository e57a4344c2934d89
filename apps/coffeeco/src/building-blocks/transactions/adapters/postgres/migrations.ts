import { type MigrationSet, sqlMigrationSet } from '@tessera/platform/sql';

const folder = (name: string) => new URL(`../../migrations/${name}/`, import.meta.url);

/**
 * One migration set per database role: the coordinator's logs, and each example participant's tables. In the
 * examples they live in different databases; in one database they share the schema without sharing a table.
 */
export const transactionLogMigrations: MigrationSet = sqlMigrationSet(
  'coffeeco_transactions.coordinator',
  folder('coordinator'),
);
export const beansStockMigrations: MigrationSet = sqlMigrationSet(
  'coffeeco_transactions.beans-stock',
  folder('beans-stock'),
);
export const hotelRoomsMigrations: MigrationSet = sqlMigrationSet(
  'coffeeco_transactions.hotel-rooms',
  folder('hotel-rooms'),
);
export const coffeeBuxHoldsMigrations: MigrationSet = sqlMigrationSet(
  'coffeeco_transactions.coffeebux-holds',
  folder('coffeebux-holds'),
);
