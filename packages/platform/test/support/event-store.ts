import { createEventStore, type EventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import type { TypeRegistry } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import type { OpenedTestDatabase, TestDatabase } from '@tessera/platform/testing';

/** A fresh database of `database`'s backend with an event store in `schema`. */
export async function openEventStore(
  database: TestDatabase,
  schema: string,
  registry: TypeRegistry,
): Promise<OpenedTestDatabase & { store: EventStore }> {
  const opened = await database.open();
  await migrate(opened.db, [eventStoreMigrations(schema)]);
  return { ...opened, store: createEventStore({ db: opened.db, schema, registry }) };
}
