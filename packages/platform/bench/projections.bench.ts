/**
 * Projection rebuild benchmark: appends a history (100,000 events by default, or the first argument), then on
 * PGlite (in memory) and on PostgreSQL rebuilds projections of it by replay, against the raw read rate of
 * the global order (reading every event in pages of the same size, projecting nothing) in the same run.
 *
 *   npx tsx packages/platform/bench/projections.bench.ts [events]
 *
 * Projections: `per-event`, a counter table upserted once per event (one statement per event, as most
 * handlers are written), and `per-batch`, the same counts written with one multi-row upsert per batch (the
 * ceiling a batch handler reaches). Before each rebuild the checkpoint is set at the head, as if the
 * projection had been live, so that the whole history is replayed.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server and
 * an existing database to connect to for creating the scratch database (dropped at the end); BENCH_BATCH the
 * events per transaction (default 500); BENCH_SYSTEMS picks systems (default pglite,postgres).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEventStore, type EventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { type Projection, projectionMigrations, startProjector } from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, pgliteClient, postgresClient, type SqlClient } from '@tessera/platform/sql';
import { cpuModel, databaseUrl, versionOf, withAdmin } from '../src/testing/bench-machine.js';

const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SYSTEMS = (process.env.BENCH_SYSTEMS ?? 'pglite,postgres').split(',');
const SCHEMA = 'bench';
const EVENTS_PER_APPEND = 100;
const STREAMS = 1_000;
const EVENT_TYPE = 'bench.Happened';

const registry = createRegistry({ name: EVENT_TYPE, version: 1 });
const payload = (n: number) => ({
  n,
  sku: `SKU-${(n % 9973).toString().padStart(5, '0')}`,
  quantity: (n % 7) + 1,
});
const rate = (events: number, ms: number) => Math.round((events * 1000) / ms);
const line = (text: string) => console.log(text);

async function appendHistory(store: EventStore, label: string) {
  const started = performance.now();
  let last = started;
  for (let n = 0; n < EVENTS; n += EVENTS_PER_APPEND) {
    const count = Math.min(EVENTS_PER_APPEND, EVENTS - n);
    const events = Array.from({ length: count }, (_, i) => ({ type: EVENT_TYPE, data: payload(n + i) }));
    await store.append(`bench-${(n / EVENTS_PER_APPEND) % STREAMS}`, events);
    if (performance.now() - last >= 2000) {
      last = performance.now();
      line(`  ${label}: appended ${n + count}/${EVENTS}`);
    }
  }
  line(`  ${label}: appended ${EVENTS} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function readAllRate(store: EventStore): Promise<number> {
  const started = performance.now();
  let position = 0;
  let read = 0;
  for (;;) {
    const page = await store.readAll({ afterPosition: position, limit: BATCH });
    if (page.length === 0) break;
    read += page.length;
    position = page.at(-1)!.position;
  }
  if (read !== EVENTS) throw new Error(`read ${read} events, expected ${EVENTS}`);
  return rate(read, performance.now() - started);
}

const perEvent = (db: SqlClient): Projection => ({
  name: 'per-event',
  handlers: {
    [EVENT_TYPE]: async (event) => {
      await db.query(
        `INSERT INTO bench.counts (projection, stream, n) VALUES ('per-event', $1, 1)
         ON CONFLICT (projection, stream) DO UPDATE SET n = bench.counts.n + 1`,
        [event.streamName],
      );
    },
  },
  reset: async () => {
    await db.query(`DELETE FROM bench.counts WHERE projection = 'per-event'`);
  },
});

const perBatch = (db: SqlClient): Projection => ({
  name: 'per-batch',
  handleBatch: async (events) => {
    const counts = new Map<string, number>();
    for (const event of events) counts.set(event.streamName, (counts.get(event.streamName) ?? 0) + 1);
    await db.query(
      `INSERT INTO bench.counts (projection, stream, n)
       SELECT 'per-batch', stream, n FROM unnest($1::text[], $2::int[]) AS x(stream, n)
       ON CONFLICT (projection, stream) DO UPDATE SET n = bench.counts.n + excluded.n`,
      [[...counts.keys()], [...counts.values()]],
    );
  },
  reset: async () => {
    await db.query(`DELETE FROM bench.counts WHERE projection = 'per-batch'`);
  },
});

async function replay(db: SqlClient, store: EventStore, projection: Projection, label: string) {
  // As if the projection had been live up to the head: the rebuild replays the whole history.
  await db.query(
    `INSERT INTO bench.projection_checkpoints (name, position) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET position = excluded.position, replay_until = 0`,
    [projection.name, await store.headPosition()],
  );
  const projector = await startProjector({ db, store }, projection, { batchSize: BATCH });
  const result = await projector.rebuild({
    onProgress: (p) =>
      line(
        `  ${label} ${p.name}: ${p.handled}/${p.total} (${Math.round((100 * p.handled) / Math.max(1, p.total))}%) at ${p.eventsPerSecond} events/s`,
      ),
  });
  await projector.stop();
  const { rows } = await db.query<{ total: number }>(
    'SELECT coalesce(sum(n), 0)::int AS total FROM bench.counts WHERE projection = $1',
    [projection.name],
  );
  if (rows[0]!.total !== EVENTS)
    throw new Error(`${projection.name} counted ${rows[0]!.total}, expected ${EVENTS}`);
  return result.eventsPerSecond;
}

async function run(label: string, db: SqlClient) {
  await migrate(db, [eventStoreMigrations(SCHEMA), projectionMigrations(SCHEMA)]);
  await db.exec(
    'CREATE TABLE bench.counts (projection text, stream text, n integer NOT NULL, PRIMARY KEY (projection, stream))',
  );
  const store = createEventStore({ db, schema: SCHEMA, registry });
  await appendHistory(store, label);
  await db.exec('ANALYZE bench.events');
  await readAllRate(store); // warms the cache, so that the baseline is not the only cold read
  const results: Array<[string, number]> = [['raw read (no projection)', await readAllRate(store)]];
  line(`  ${label}: raw read ${results[0]![1]} events/s`);
  for (const projection of [perEvent(db), perBatch(db)]) {
    results.push([`replay ${projection.name}`, await replay(db, store, projection, label)]);
  }
  const raw = results[0]![1];
  line(`\n${label}: ${EVENTS} events, batches of ${BATCH}`);
  for (const [name, eventsPerSecond] of results) {
    line(
      `  ${name.padEnd(28)} ${String(eventsPerSecond).padStart(9)} events/s  ${(eventsPerSecond / raw).toFixed(2)}× raw read`,
    );
  }
  line('');
}

async function main() {
  line(
    `Projection rebuild benchmark: ${EVENTS} events, ${cpuModel()}, ${os.cpus().length} cpus, node ${process.version}`,
  );
  line(`PGlite ${versionOf('@electric-sql/pglite')}, pg ${versionOf('pg')}\n`);
  if (SYSTEMS.includes('pglite')) {
    const db = await pgliteClient({});
    try {
      await run('PGlite (memory)', db);
    } finally {
      await db.close();
    }
  }
  if (SYSTEMS.includes('postgres')) {
    const name = `bench_projections_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const server = await withAdmin(async (client) => {
      await client.query(`CREATE DATABASE ${name}`);
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0]!.server_version.split(' ')[0];
    });
    const db = postgresClient({ connectionString: databaseUrl(name), maxConnections: 4 });
    try {
      await run(`PostgreSQL ${server}`, db);
    } finally {
      await db.close();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  }
}

await main();
