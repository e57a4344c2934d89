import { createEventStore, type EventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import type { Projection, ProjectionContext } from '@tessera/platform/projections';
import { projectionMigrations } from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import type { OpenedTestDatabase, TestDatabase } from '@tessera/platform/testing';

export const SCHEMA = 'proj';
// An hour: a test that passes was woken by commits, not by the safety recheck.
export const NEVER = 3_600_000;

export const registry = createRegistry({ name: 'p.Happened', version: 1 }, { name: 'p.Other', version: 1 });
export const happened = (n: number) => ({ type: 'p.Happened', data: { n } });

export type Opened = OpenedTestDatabase & { store: EventStore };

/** A fresh database with an event store, the checkpoints, and the test projections' tables. */
export async function openProjections(database: TestDatabase): Promise<Opened> {
  const opened = await database.open();
  await migrate(opened.db, [eventStoreMigrations(SCHEMA), projectionMigrations(SCHEMA)]);
  await opened.db.exec(`
    CREATE TABLE proj.counts (projection text, stream text, n integer NOT NULL, PRIMARY KEY (projection, stream));
    CREATE TABLE proj.applied (projection text NOT NULL, event_id uuid NOT NULL, runner text NOT NULL);`);
  return { ...opened, store: createEventStore({ db: opened.db, schema: SCHEMA, registry }) };
}

/** Another store on the same database, for the processes a test plays. */
export const storeOn = (db: SqlClient) => createEventStore({ db, schema: SCHEMA, registry });

export interface CounterOptions {
  runner?: string;
  /** Runs before each event's effects, inside the batch's transaction. */
  before?: (event: { position: number; id: string }, context: ProjectionContext) => Promise<void>;
  /** A side effect that must not be replayed (a notification): told each live event. */
  notify?: (eventId: string) => void;
}

/**
 * Counts events per stream (not idempotent: a double application shows) and records which runner applied
 * each event.
 */
export function counter(db: SqlClient, name: string, options: CounterOptions = {}): Projection {
  const runner = options.runner ?? 'main';
  return {
    name,
    handlers: {
      'p.Happened': async (event, context) => {
        await options.before?.(event, context);
        await db.query(
          `INSERT INTO proj.counts (projection, stream, n) VALUES ($1, $2, 1)
           ON CONFLICT (projection, stream) DO UPDATE SET n = proj.counts.n + 1`,
          [name, event.streamName],
        );
        await db.query('INSERT INTO proj.applied (projection, event_id, runner) VALUES ($1, $2, $3)', [
          name,
          event.id,
          runner,
        ]);
      },
      ...(options.notify
        ? {
            'p.Other': {
              replayable: false,
              handle: async (event) => options.notify!(event.id),
            },
          }
        : {}),
    },
    reset: async () => {
      await db.query('DELETE FROM proj.counts WHERE projection = $1', [name]);
      await db.query('DELETE FROM proj.applied WHERE projection = $1', [name]);
    },
  };
}

/** The projection's table, as stream → count. */
export async function countsOf(db: SqlClient, name: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ stream: string; n: number }>(
    'SELECT stream, n FROM proj.counts WHERE projection = $1 ORDER BY stream',
    [name],
  );
  return Object.fromEntries(rows.map((row) => [row.stream, row.n]));
}

/** What the counter should hold: every p.Happened in the store, per stream. */
export async function expectedCounts(store: EventStore): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const event of await store.readAll({ limit: 100_000 })) {
    if (event.type === 'p.Happened') counts[event.streamName] = (counts[event.streamName] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** How many times each event was applied, and by whom. */
export async function applications(db: SqlClient, name: string) {
  const { rows } = await db.query<{ event_id: string; runner: string }>(
    'SELECT event_id, runner FROM proj.applied WHERE projection = $1',
    [name],
  );
  return { total: rows.length, distinct: new Set(rows.map((row) => row.event_id)).size, rows };
}

export async function checkpointOf(db: SqlClient, name: string): Promise<number> {
  const { rows } = await db.query<{ position: number }>(
    'SELECT position FROM proj.projection_checkpoints WHERE name = $1',
    [name],
  );
  return Number(rows[0]?.position ?? -1);
}
