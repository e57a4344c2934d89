/**
 * Event store benchmark: our store on PostgreSQL against Emmett (emmett-postgresql) and plain `pg` INSERTs,
 * then our store on PGlite (in memory and file-backed). Run with `npm run bench:eventstore`.
 *
 * Every system gets its own fresh database (dropped at the end) and a pool of the same size, so that they
 * do not interfere; they take turns in rounds, so that a change in the machine's load falls on all of them
 * alike. Workloads:
 *   (a) 1 event per append to a new stream, one appender;
 *   (b) the same with 16 concurrent appenders;
 *   (c) 10 events per append to a new stream, one appender and 16 concurrent appenders;
 *   (d) reading one 1,000-event stream, over and over;
 *   (e) tailing all 100,000 stored events in global order from position 0, in pages of 1,000.
 * (d) and (e) run on a store emptied and filled with exactly 100,000 events (the 1,000-event stream
 * and 990 streams of 100 events), analysed once filled.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server
 * and an existing database to connect to for creating the benchmark databases; BENCH_SECONDS scales the
 * timed phase of each workload (default 3); BENCH_SYSTEMS picks systems (default
 * ours,raw,emmett,memory,file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dumbo } from '@event-driven-io/dumbo';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { createEventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, pgliteClient, postgresClient, type SqlClient } from '@tessera/platform/sql';
import pg from 'pg';
import { cpuModel, databaseUrl, describeServer, versionOf, withAdmin } from '../src/testing/bench-machine.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = 16;
const ROUNDS = 3;
const POOL_SIZE = 16;
const TOTAL_EVENTS = 100_000;
const READ_STREAM_EVENTS = 1_000;
const FILL_EVENTS_PER_APPEND = 100;
const PAGE = 1_000;
const EVENT_TYPE = 'bench.Happened';

// Emmett (through dumbo) replaces pg's global int8/json/jsonb parsers when its pool is created; the raw pg
// baseline keeps pg's own parsers so that it measures plain node-postgres, whatever ran before it.
const pristineParsers = new Map<number, (value: string) => unknown>(
  [20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]),
);
const rawTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format !== 'binary' && pristineParsers.get(oid)) ||
    pg.types.getTypeParser(
      oid,
      format === 'binary' ? 'binary' : 'text',
    )) as pg.CustomTypesConfig['getTypeParser'],
};

type Payload = {
  n: number;
  sku: string;
  quantity: number;
  price: number;
  note: string;
};
const payload = (n: number): Payload => ({
  n,
  sku: `SKU-${(n % 9973).toString().padStart(5, '0')}`,
  quantity: (n % 7) + 1,
  price: 19.99,
  note: 'benchmark event payload',
});

/** What every system under test offers the workloads. */
interface Subject {
  readonly label: string;
  /** Appends `count` events to a stream that does not exist yet. */
  appendNew(stream: string, count: number): Promise<void>;
  /** Appends `count` events to a stream at version `version` (for filling). */
  appendAt(stream: string, version: number, count: number): Promise<void>;
  /** Reads a whole stream; returns how many events it had. */
  readStream(stream: string): Promise<number>;
  /** Reads one page of the global order after a position; returns the events read and the next position. */
  readPage(after: number, limit: number): Promise<{ count: number; next: number }>;
  /** Empties the store (and prepares it for reading). */
  reset(): Promise<void>;
  /** Updates the planner's statistics once filled. */
  analyze(): Promise<void>;
  count(): Promise<number>;
  /** Anything to report about the store's state (e.g. a consistency check). */
  check?(): Promise<string>;
  close(): Promise<void>;
}

interface Measured {
  ops: number;
  events: number;
  seconds: number;
}

const opsPerSecond = (m: Measured) => m.ops / m.seconds;
const eventsPerSecond = (m: Measured) => m.events / m.seconds;

/** Runs `op` in `concurrency` loops until `ms` have passed; `op` returns the events it handled. */
async function runFor(concurrency: number, ms: number, op: () => Promise<number>): Promise<Measured> {
  const start = performance.now();
  const end = start + ms;
  let ops = 0;
  let events = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const handled = await op();
      events += handled;
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ops, events, seconds: (performance.now() - start) / 1000 };
}

type WorkloadId = 'a' | 'b' | 'c1' | 'c16' | 'd' | 'e';
const WORKLOADS: ReadonlyArray<{ id: WorkloadId; title: string; unit: string }> = [
  { id: 'a', title: '(a) 1 event/append, new streams, sequential', unit: 'appends' },
  { id: 'b', title: `(b) 1 event/append, new streams, ${CONCURRENCY} concurrent`, unit: 'appends' },
  { id: 'c1', title: '(c) 10 events/append, new streams, sequential', unit: 'appends' },
  { id: 'c16', title: `(c) 10 events/append, new streams, ${CONCURRENCY} concurrent`, unit: 'appends' },
  { id: 'd', title: `(d) read a ${READ_STREAM_EVENTS}-event stream`, unit: 'reads' },
  { id: 'e', title: `(e) tail all ${TOTAL_EVENTS} events from 0 (pages of ${PAGE})`, unit: 'pages' },
];

type Results = Map<WorkloadId, Measured>;

function progress(subject: string, m: Measured, unit: string) {
  console.log(
    `    ${subject.padEnd(22)} ${opsPerSecond(m).toFixed(0).padStart(8)} ${unit}/s ${eventsPerSecond(m).toFixed(0).padStart(9)} events/s  (${m.ops} ${unit} in ${m.seconds.toFixed(2)} s)`,
  );
}

const add = (total: Measured, m: Measured) => {
  total.ops += m.ops;
  total.events += m.events;
  total.seconds += m.seconds;
};

/**
 * Runs every workload on every subject. The subjects take turns: each workload runs in ROUNDS rounds, and
 * in each round every subject runs for its share of the time, so that a change in the machine's load (other
 * processes, autovacuum, checkpoints) falls on all of them alike rather than on whichever ran then.
 */
async function benchmark(subjects: Subject[]): Promise<Results[]> {
  const results = subjects.map((): Results => new Map());
  const roundMs = (SECONDS * 1000) / ROUNDS;
  const warmMs = Math.max(200, roundMs / 2);
  const streams = subjects.map(() => 0);

  /** Warms every subject up, then times `ROUNDS` rounds, taking turns; `op(i)` makes subject i's operation. */
  const measure = async (id: WorkloadId, concurrency: number, op: (i: number) => () => Promise<number>) => {
    const workload = WORKLOADS.find((w) => w.id === id)!;
    console.log(
      `  ${workload.title}: ${ROUNDS} rounds of ${(roundMs / 1000).toFixed(1)} s each, taking turns`,
    );
    const ops = subjects.map((_, i) => op(i));
    for (const run of ops) await runFor(concurrency, warmMs, run);
    const totals = subjects.map((): Measured => ({ ops: 0, events: 0, seconds: 0 }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, run] of ops.entries()) add(totals[i]!, await runFor(concurrency, roundMs, run));
    }
    for (const [i, subject] of subjects.entries()) {
      results[i]!.set(id, totals[i]!);
      progress(subject.label, totals[i]!, workload.unit);
    }
  };

  const writes: Array<[WorkloadId, number, number]> = [
    ['a', 1, 1],
    ['b', CONCURRENCY, 1],
    ['c1', 1, 10],
    ['c16', CONCURRENCY, 10],
  ];
  for (const [id, concurrency, count] of writes) {
    await measure(id, concurrency, (i) => async () => {
      await subjects[i]!.appendNew(`bench-${id}${streams[i]!++}`, count);
      return count;
    });
  }
  for (const subject of subjects) {
    if (subject.check) console.log(`    ${subject.label.padEnd(22)} ${await subject.check()}`);
  }

  // (d) and (e): exactly TOTAL_EVENTS events, one stream of READ_STREAM_EVENTS and streams of 100.
  for (const subject of subjects) {
    console.log(
      `    ${subject.label.padEnd(22)} emptying the store, filling it with ${TOTAL_EVENTS} events (not timed)`,
    );
    await subject.reset();
    for (let version = 0; version < READ_STREAM_EVENTS; version += FILL_EVENTS_PER_APPEND) {
      await subject.appendAt('read-1', version, FILL_EVENTS_PER_APPEND);
    }
    const fillAppends = (TOTAL_EVENTS - READ_STREAM_EVENTS) / FILL_EVENTS_PER_APPEND;
    // Filled by one appender: Emmett 0.42 pages its global order by (transaction id, position), which repeats
    // or skips events at page boundaries when concurrent transactions drew positions out of xid order.
    for (let i = 0; i < fillAppends; i++) await subject.appendNew(`fill-${i}`, FILL_EVENTS_PER_APPEND);
    await subject.analyze();
    const stored = await subject.count();
    if (stored !== TOTAL_EVENTS)
      throw new Error(`${subject.label}: ${stored} events stored, not ${TOTAL_EVENTS}`);
  }

  await measure('d', 1, (i) => async () => {
    const subject = subjects[i]!;
    const n = await subject.readStream('read-1');
    if (n !== READ_STREAM_EVENTS)
      throw new Error(`${subject.label}: read ${n} events, not ${READ_STREAM_EVENTS}`);
    return n;
  });

  // A follower tailing from 0, page by page, over and over. One whole pass first, untimed, checks that each
  // system hands out every event exactly once in its global order.
  for (const subject of subjects) {
    let position = 0;
    let seen = 0;
    for (
      let page = await subject.readPage(0, PAGE);
      page.count > 0;
      page = await subject.readPage(position, PAGE)
    ) {
      if (page.next <= position)
        throw new Error(`${subject.label}: the global order went back to ${page.next}`);
      position = page.next;
      seen += page.count;
    }
    if (seen !== TOTAL_EVENTS)
      throw new Error(`${subject.label}: a pass read ${seen} events, not ${TOTAL_EVENTS}`);
    console.log(`    ${subject.label.padEnd(22)} checked: one pass from 0 read all ${TOTAL_EVENTS} events`);
  }
  await measure('e', 1, (i) => {
    const subject = subjects[i]!;
    let position = 0;
    return async () => {
      let page = await subject.readPage(position, PAGE);
      if (page.count === 0) page = await subject.readPage(0, PAGE); // caught up: start over from 0
      position = page.next;
      return page.count;
    };
  });
  return results;
}

// ---------------------------------------------------------------------------------------------------------
// Systems under test

const registry = createRegistry({ name: EVENT_TYPE, version: 1 });
const events = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: EVENT_TYPE, data: payload(i) }));

function ours(label: string, db: SqlClient): Subject {
  const store = createEventStore({ db, schema: 'bench', registry });
  return {
    label,
    async appendNew(stream, count) {
      await store.append(stream, events(count), { expectedVersion: 'no_stream' });
    },
    async appendAt(stream, version, count) {
      await store.append(stream, events(count), { expectedVersion: version });
    },
    readStream: async (stream) => (await store.readStream(stream)).length,
    async readPage(after, limit) {
      const page = await store.readAll({ afterPosition: after, limit });
      return { count: page.length, next: page.at(-1)?.position ?? after };
    },
    async reset() {
      await store.drain();
      await db.exec(
        'TRUNCATE bench.events, bench.snapshots; ALTER SEQUENCE bench.events_position_seq RESTART WITH 1',
      );
    },
    analyze: () => db.exec('ANALYZE bench.events'),
    async count() {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bench.events');
      return rows[0]!.n;
    },
    async check() {
      const { rows } = await db.query<{ n: number; max: number }>(
        'SELECT count(*)::int AS n, coalesce(max(position), 0)::int AS max FROM bench.events',
      );
      const { n, max } = rows[0]!;
      return `check: ${n} events, highest position ${max}: ${n === max ? 'gap-free' : 'GAPS IN THE GLOBAL ORDER'}`;
    },
    close: () => db.close(),
  };
}

async function oursOnPostgres(url: string): Promise<Subject> {
  const db = postgresClient({ connectionString: url, maxConnections: POOL_SIZE, applicationName: 'bench' });
  await migrate(db, [eventStoreMigrations('bench')]);
  return ours('ours (PostgreSQL)', db);
}

async function oursOnPglite(label: string, dataDir: string | undefined): Promise<Subject> {
  const db = await pgliteClient(dataDir === undefined ? {} : { dataDir });
  await migrate(db, [eventStoreMigrations('bench')]);
  return ours(label, db);
}

async function emmett(url: string): Promise<Subject> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, application_name: 'bench-emmett' });
  // The same dumbo pool serves the store and the global-order reads (readMessagesBatch needs an executor).
  const connection = dumbo({ connectionString: url, pool });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: connection } });
  await store.schema.migrate(); // created before timing, not inside the first append
  const admin = new pg.Pool({ connectionString: url, max: 1, types: rawTypes });
  const toEmmett = (count: number) => events(count).map((e) => ({ type: e.type, data: { ...e.data } }));
  return {
    label: EMMETT,
    async appendNew(stream, count) {
      await store.appendToStream(stream, toEmmett(count), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
    },
    async appendAt(stream, version, count) {
      await store.appendToStream(stream, toEmmett(count), {
        expectedStreamVersion: version === 0 ? STREAM_DOES_NOT_EXIST : BigInt(version),
      });
    },
    readStream: async (stream) => (await store.readStream(stream)).events.length,
    async readPage(after, limit) {
      const batch = await readMessagesBatch(connection.execute, { after: BigInt(after), batchSize: limit });
      return { count: batch.messages.length, next: Number(batch.currentGlobalPosition) };
    },
    reset: () => store.schema.dangerous.truncate({ resetSequences: true }),
    analyze: async () => {
      await admin.query('ANALYZE emt_messages; ANALYZE emt_streams');
    },
    async count() {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM emt_messages');
      return rows[0]!.n;
    },
    async close() {
      await store.close(); // a pool handed in is not ended by Emmett: end it here
      await pool.end();
      await admin.end();
    },
  };
}

async function rawPg(url: string): Promise<Subject> {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    application_name: 'bench-raw',
    types: rawTypes,
  });
  await pool.query(`CREATE TABLE events (
    global_position bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    stream_position int NOT NULL,
    data jsonb NOT NULL,
    created timestamptz NOT NULL DEFAULT now())`);
  const insertSql = new Map<number, string>();
  const insert = (count: number) => {
    let text = insertSql.get(count);
    if (!text) {
      const rows = Array.from({ length: count }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
      text = `INSERT INTO events (stream_id, stream_position, data) VALUES ${rows.join(', ')}`;
      insertSql.set(count, text);
    }
    return text;
  };
  const append = async (stream: string, version: number, count: number) => {
    const params: unknown[] = [];
    for (let i = 0; i < count; i++) params.push(stream, version + i + 1, JSON.stringify(payload(i)));
    await pool.query(insert(count), params);
  };
  return {
    label: 'raw pg INSERT',
    appendNew: (stream, count) => append(stream, 0, count),
    appendAt: append,
    async readStream(stream) {
      const { rows } = await pool.query(
        'SELECT global_position, stream_id, stream_position, data, created FROM events WHERE stream_id = $1 ORDER BY stream_position',
        [stream],
      );
      return rows.length;
    },
    async readPage(after, limit) {
      const { rows } = await pool.query<{ global_position: string }>(
        'SELECT global_position, stream_id, stream_position, data, created FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2',
        [after, limit],
      );
      const last = rows.at(-1);
      return { count: rows.length, next: last ? Number(last.global_position) : after };
    },
    async reset() {
      // The write workloads ran on the plain table; reading a stream needs an index like the others have.
      await pool.query('TRUNCATE events RESTART IDENTITY');
      await pool.query('CREATE INDEX IF NOT EXISTS events_stream ON events (stream_id, stream_position)');
    },
    analyze: async () => {
      await pool.query('ANALYZE events');
    },
    async count() {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      return rows[0]!.n;
    },
    close: () => pool.end(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Machine, databases, report

const EMMETT = `Emmett ${versionOf('@event-driven-io/emmett-postgresql')}`;

const fmt = (m: Measured | undefined) =>
  m ? `${opsPerSecond(m).toFixed(0)} / ${eventsPerSecond(m).toFixed(0)}` : 'n/a';
const ratio = (a: Measured | undefined, b: Measured | undefined) =>
  a && b ? `${(eventsPerSecond(a) / eventsPerSecond(b)).toFixed(2)}x` : 'n/a';

async function main() {
  const started = performance.now();
  const server = await describeServer(['fsync', 'synchronous_commit']);
  console.log('Event store benchmark');
  console.log(
    `  machine:    ${os.cpus().length} cores, ${cpuModel()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(`  PostgreSQL: ${server}`);
  console.log(
    `  node:       ${process.version}; PGlite ${versionOf('@electric-sql/pglite')}, pg ${versionOf('pg')}, ${EMMETT}`,
  );
  console.log(
    `  settings:   ${SECONDS} s timed per workload and system (${ROUNDS} rounds, systems taking turns) after a warm-up; ${CONCURRENCY} concurrent appenders; pools of ${POOL_SIZE} connections`,
  );
  console.log('');

  const names = {
    ours: `bench_ours_${process.pid}`,
    raw: `bench_raw_${process.pid}`,
    emmett: `bench_emmett_${process.pid}`,
  };
  const all: Record<'ours' | 'raw' | 'emmett' | 'memory' | 'file', Results | undefined> = {
    ours: undefined,
    raw: undefined,
    emmett: undefined,
    memory: undefined,
    file: undefined,
  };
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-pglite-'));
  try {
    await withAdmin(async (client) => {
      for (const name of Object.values(names)) {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        await client.query(`CREATE DATABASE ${name}`);
      }
    });
    const only = (process.env.BENCH_SYSTEMS ?? '').split(',').filter((name) => name !== '');
    const groups: Array<{ title: string; systems: Array<[keyof typeof all, () => Promise<Subject>]> }> = [
      {
        title: 'PostgreSQL: ours, raw pg and Emmett, each in its own database',
        systems: [
          ['ours', () => oursOnPostgres(databaseUrl(names.ours))],
          ['raw', () => rawPg(databaseUrl(names.raw))],
          ['emmett', () => emmett(databaseUrl(names.emmett))],
        ],
      },
      {
        title: 'PGlite: ours, in memory and file-backed',
        systems: [
          ['memory', () => oursOnPglite('ours (PGlite, memory)', undefined)],
          ['file', () => oursOnPglite('ours (PGlite, file)', join(dataDir, 'db'))],
        ],
      },
    ];
    for (const group of groups) {
      const systems = group.systems.filter(([key]) => only.length === 0 || only.includes(key));
      if (systems.length === 0) continue;
      console.log(group.title);
      const subjects: Subject[] = [];
      try {
        for (const [, open] of systems) subjects.push(await open());
        const results = await benchmark(subjects);
        for (const [i, [key]] of systems.entries()) all[key] = results[i];
      } finally {
        for (const subject of subjects) await subject.close();
      }
      console.log('');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await withAdmin(async (client) => {
      for (const name of Object.values(names))
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }

  console.log(
    'Results: ops/s / events/s (ops: appends, stream reads, or pages of 1,000 for (e)); ratios on events/s',
  );
  console.log('');
  const header = [
    'workload',
    'ours (PostgreSQL)',
    EMMETT,
    'raw pg INSERT',
    'ours/Emmett',
    'ours/raw pg',
    'ours (PGlite, memory)',
    'ours (PGlite, file)',
  ];
  const rows = WORKLOADS.map((w) => {
    const o = all.ours?.get(w.id);
    return [
      w.title,
      fmt(o),
      fmt(all.emmett?.get(w.id)),
      fmt(all.raw?.get(w.id)),
      ratio(o, all.emmett?.get(w.id)),
      ratio(o, all.raw?.get(w.id)),
      fmt(all.memory?.get(w.id)),
      fmt(all.file?.get(w.id)),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
  console.log('');

  const eps = (key: keyof typeof all, id: WorkloadId) => {
    const m = all[key]?.get(id);
    return m ? eventsPerSecond(m) : Number.NaN;
  };
  const targets: Array<[string, number, number]> = [
    ['(a) ours >= 2x Emmett', eps('ours', 'a'), 2 * eps('emmett', 'a')],
    ['(b) ours >= 2x Emmett', eps('ours', 'b'), 2 * eps('emmett', 'b')],
    ['(d) ours >= 2x Emmett', eps('ours', 'd'), 2 * eps('emmett', 'd')],
    [`(b) ours >= raw pg single-row INSERTs at ${CONCURRENCY} concurrent`, eps('ours', 'b'), eps('raw', 'b')],
  ];
  console.log('Targets:');
  for (const [what, actual, needed] of targets) {
    console.log(
      `  ${what.padEnd(58)} ${Number.isNaN(actual + needed) ? 'not run' : actual >= needed ? 'MET' : 'MISSED'} (${actual.toFixed(0)} events/s vs ${needed.toFixed(0)} needed)`,
    );
  }
  console.log('');
  console.log(`Total time ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
