/**
 * Messaging benchmark: the exactly-once pipeline end to end, producer's commit → outbox → broker → inbox →
 * handler's committed effect, on the embedded broker (PostgreSQL, PGlite) and on NATS JetStream (16 and 64
 * partitions); and in the same run its baselines: raw JetStream (async publish; publish + durable consume
 * with ack), raw `pg` INSERTs (one connection; a pool of 16) and pg-transactional-outbox (the npm
 * outbox/inbox library, polling setup). Run with `npm run bench:messaging [-- --messages N]`.
 *
 * A producer commits a business row and publishes one envelope in one `db.transaction` (the outbox); the
 * group's handler writes an effect row in its handling transaction (the inbox is the broker's). Latency is
 * from the producer's commit (its after-commit callback) to the consumer's commit of the effect
 * (`db.afterCommit`), by message id. Messages are spread over 1,000 keys, so that partitions and lanes run
 * in parallel; 16 producers commit one message per transaction (`--per-transaction N`: N messages, as an
 * aggregate emitting several events), as fast as they can (closed loop): the
 * offered load is what they achieve, printed beside the throughput. Each workload warms up first (untimed).
 *
 * On NATS the consuming module runs in a worker thread of its own, with its own database (its inbox and
 * effects) and broker instance, as it would run in a process of its own (`--one-thread`: both modules in
 * this thread on one database). `nats16b` gives the group a batch handler (ADR 0020): one INSERT per batch.
 *
 * Options: `--messages N` (per workload, default 5,000), `--pgto-messages N` (pg-transactional-outbox,
 * default 1,000: it is slow), `--per-transaction N`, `--concurrency N` (the group's, default 16),
 * `--one-thread`, `--only a,b` (workload ids: raw-js, raw-pg, embedded, pglite, nats16, nats64, nats16b,
 * pgto), `--json` (also print the results as one `RESULT` line of JSON), `--tracing-cost ROUNDS` (what tracing
 * costs with no endpoint set, against no tracer at all, on the workloads of `--only`, default handling (what
 * wraps one handling, CPU only), embedded and nats16: see messaging-tracing-cost.ts). Environment: BENCH_DATABASE_URL, BENCH_NATS_URL (defaults: local
 * PostgreSQL and NATS).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
  newEnvelope,
} from '@tessera/platform/messaging';
import { migrate, pgliteClient, postgresClient, type SqlClient } from '@tessera/platform/sql';
import { PGTO_BATCH, pgTransactionalOutbox, rawJetStream, rawPg } from './messaging-baselines.js';
import {
  type ConsumerSide,
  effectSubscription,
  type OnEffects,
  SUBJECT,
  startConsumerThread,
} from './messaging-consumer.js';
import {
  cpuModel,
  describeServer,
  dropDatabases,
  failed,
  freshDatabase,
  KEYS,
  keyOf,
  ms,
  NATS_URL,
  PRODUCERS,
  payloadOf,
  percentile,
  produce,
  type Result,
  rate,
  report,
  Tracker,
  versionOf,
} from './messaging-support.js';
import { handlingMeasure, type Measure, RESULT_PREFIX, tracingCost } from './messaging-tracing-cost.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    'pgto-messages': { type: 'string', default: '1000' },
    only: { type: 'string', default: '' },
    'per-transaction': { type: 'string', default: '1' },
    'one-thread': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
    'tracing-cost': { type: 'string', default: '0' },
  },
});
const MESSAGES = Number(args.messages);
const PGTO_MESSAGES = Math.min(MESSAGES, Number(args['pgto-messages']));
if (!(MESSAGES >= 1) || !(PGTO_MESSAGES >= 1)) throw new Error('--messages must be a positive number');
/** Messages each producer transaction writes (an aggregate's events, say): 1 by default. */
const PER_TRANSACTION = Number(args['per-transaction']);
if (!Number.isInteger(PER_TRANSACTION) || PER_TRANSACTION < 1)
  throw new Error('--per-transaction must be a positive integer');
/** NATS: the consuming module in the producing module's thread (default: a worker thread of its own). */
const ONE_THREAD = args['one-thread'];
const ONLY = args.only.split(',').filter((id) => id !== '');
const wanted = (id: string) => ONLY.length === 0 || ONLY.includes(id);
/** Handlings (NATS: lane batches) at once in the consumer group: the subscription's `concurrency`. */
const CONSUMERS = Number(args.concurrency);
if (!Number.isInteger(CONSUMERS) || CONSUMERS < 1)
  throw new Error('--concurrency must be a positive integer');
const WARM_UP = Math.min(1_000, Math.ceil(MESSAGES / 10));
const TAG = `${process.pid}`;

const TABLES = `
  CREATE TABLE IF NOT EXISTS bench_orders (id text PRIMARY KEY, key text NOT NULL, data json NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_effects (message_id text PRIMARY KEY, key text NOT NULL);`;

/**
 * Our pipeline on one database: the producing module's broker, and the consuming module (`consume`: in this
 * thread on the same broker, or in a thread of its own): subscribe, warm up, then `count` messages timed.
 */
async function pipeline(
  label: string,
  setup: string,
  db: SqlClient,
  broker: Broker,
  count: number,
  consume: (onEffects: OnEffects) => Promise<ConsumerSide>,
  /** Where the consumer writes its effects: its own database when it runs as a module of its own. */
  effectsDb: SqlClient = db,
): Promise<Result> {
  await db.exec(TABLES);
  await effectsDb.exec(TABLES);
  let tracker = new Tracker(0);
  const consumer = await consume((ids, at) => {
    const current = tracker;
    const local = at - performance.timeOrigin;
    for (const id of ids) current.effect(id, local);
  });
  const run = async (n: number, offset: number) => {
    tracker = new Tracker(n);
    const current = tracker;
    const produced = produce(Math.ceil(n / PER_TRANSACTION), PRODUCERS, async (t) => {
      const first = t * PER_TRANSACTION;
      const envelopes = Array.from({ length: Math.min(PER_TRANSACTION, n - first) }, (_, k) => {
        const i = offset + first + k;
        current.started();
        return newEnvelope('bench', {
          type: 'bench.OrderPlaced',
          subject: SUBJECT,
          key: keyOf(i),
          data: payloadOf(i),
        });
      });
      await db.transaction(async () => {
        await db.query(
          // The rows as one JSON array that the server splits: a json[] parameter would have the driver
          // escape every quote of every row.
          `INSERT INTO bench_orders (id, key, data)
           SELECT o.data->>'orderId', o.key, o.data
             FROM json_to_recordset($1::json) AS o(key text, data json)`,
          [JSON.stringify(envelopes.map((e) => ({ key: e.key, data: e.data })))],
        );
        await broker.publish(envelopes);
        await db.afterCommit(() => {
          for (const envelope of envelopes) current.produced(envelope.id);
        });
      });
    });
    await current.done(label);
    return { tracker: current, producedBy: await produced };
  };
  try {
    await run(WARM_UP, 1_000_000_000);
    const loop = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const { tracker: timed, producedBy } = await run(count, 0);
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(loop).utilization;
    const seconds = (performance.now() - wall) / 1000;
    const rows = async (table: string, from: SqlClient) =>
      (await from.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    const n = await rows('bench_effects', effectsDb);
    const orders = await rows('bench_orders', db);
    const cpuMsPerMessage = (used.user + used.system) / 1000 / count;
    const result = timed.result(
      label,
      setup,
      producedBy,
      `check: ${orders} orders, ${n} effects${n === orders ? ' (exactly once)' : ' (MISMATCH)'}; ${timed.duplicates} duplicate effects; ` +
        `this process ${(((used.user + used.system) / 1e6 / seconds) * 100).toFixed(0)} % CPU; event loop busy: producers ${(busy * 100).toFixed(0)} %` +
        (consumer.utilization ? `, consumer thread ${(consumer.utilization() * 100).toFixed(0)} %` : ''),
    );
    return { ...result, cpuMsPerMessage };
  } finally {
    await consumer.stop();
  }
}

/** The consuming module in this thread, on the producing module's broker. */
const inThisThread =
  (db: SqlClient, broker: Broker, concurrency: number, batchHandler = false) =>
  async (onEffects: OnEffects): Promise<ConsumerSide> =>
    broker.subscribe(effectSubscription(db, concurrency, batchHandler, onEffects));

/** The pipeline on the embedded broker, on `db` (closed at the end). */
async function embeddedOn(db: SqlClient, label: string, setup: string): Promise<Result> {
  try {
    await migrate(db, [embeddedBrokerMigrations()]);
    const broker = createEmbeddedBroker({ db, onError: (error) => console.error('    broker error', error) });
    try {
      return await pipeline(label, setup, db, broker, MESSAGES, inThisThread(db, broker, CONSUMERS));
    } finally {
      await broker.close();
    }
  } catch (error) {
    return failed(label, setup, error);
  } finally {
    await db.close();
  }
}

async function embeddedOnPostgres(): Promise<Result> {
  const url = await freshDatabase(`bench_msg_embedded_${TAG}`);
  const db = postgresClient({
    connectionString: url,
    maxConnections: PRODUCERS + CONSUMERS + 2,
    applicationName: 'bench-embedded',
  });
  return embeddedOn(
    db,
    'embedded broker (PostgreSQL)',
    `subscription concurrency ${CONSUMERS}; pool of ${PRODUCERS + CONSUMERS + 2}`,
  );
}

async function embeddedOnPglite(): Promise<Result> {
  return embeddedOn(
    await pgliteClient({}),
    'embedded broker (PGlite, memory)',
    `PGlite in memory, one connection; subscription concurrency ${CONSUMERS}`,
  );
}

async function natsOnPostgres(partitions: number, batchHandler = false): Promise<Result> {
  const concurrency = CONSUMERS;
  const consumerPool = Math.min(concurrency, 32) + 4;
  const pool = PRODUCERS + 4 + (ONE_THREAD ? consumerPool : 0);
  const setup = `${partitions} partitions, concurrency ${concurrency}, relay batch 500 (default); ${batchHandler ? 'a batch handler: one INSERT per batch' : 'one INSERT per message'}; ${ONE_THREAD ? `producers and consumer in one thread on one database, pool of ${pool}` : `producing module (pool of ${pool}) and consuming module (its own database, pool of ${consumerPool}) in two threads`}`;
  const label = `NATS broker, ${partitions} partitions${batchHandler ? ', batch handler' : ''}`;
  const url = await freshDatabase(`bench_msg_nats${partitions}${batchHandler ? 'b' : ''}_${TAG}`);
  const db = postgresClient({ connectionString: url, maxConnections: pool, applicationName: 'bench-nats' });
  const stream = `bench_msg_${partitions}${batchHandler ? 'b' : ''}_${TAG}`;
  // The consuming module's own database (its inbox and its effects), as modules own theirs.
  const consumerUrl = ONE_THREAD
    ? url
    : await freshDatabase(`bench_msg_nats${partitions}${batchHandler ? 'b' : ''}_consumer_${TAG}`);
  const consumerDb = ONE_THREAD
    ? db
    : postgresClient({
        connectionString: consumerUrl,
        maxConnections: 2,
        applicationName: 'bench-nats-check',
      });
  try {
    await migrate(db, [natsBrokerMigrations()]);
    if (consumerDb !== db) await migrate(consumerDb, [natsBrokerMigrations()]);
    const broker = await createNatsBroker({
      db,
      servers: NATS_URL,
      stream,
      partitions,
      onError: (error, context) => console.error('    broker error', context, error),
    });
    try {
      const consume = ONE_THREAD
        ? inThisThread(db, broker, concurrency, batchHandler)
        : (onEffects: OnEffects) =>
            startConsumerThread(
              {
                url: consumerUrl,
                natsUrl: NATS_URL,
                stream,
                partitions,
                concurrency,
                batchHandler,
                pool: consumerPool,
              },
              onEffects,
            );
      return await pipeline(label, setup, db, broker, MESSAGES, consume, consumerDb);
    } finally {
      await broker.close();
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: NATS_URL });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
      await nc.close();
    }
  } catch (error) {
    return failed(label, setup, error);
  } finally {
    if (consumerDb !== db) await consumerDb.close();
    await db.close();
  }
}

async function guarded(label: string, setup: string, work: () => Promise<Result[]>): Promise<Result[]> {
  try {
    return await work();
  } catch (error) {
    return [failed(label, setup, error)];
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const server = await describeServer(['synchronous_commit', 'wal_level']);
  const nats = await (async () => {
    try {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: NATS_URL });
      const info = nc.info;
      await nc.close();
      return `nats-server ${info?.version ?? '?'} at ${NATS_URL}${info?.jetstream ? ', JetStream' : ''}`;
    } catch (error) {
      return `unreachable at ${NATS_URL} (${(error as Error).message})`;
    }
  })();
  console.log('Messaging benchmark');
  console.log(
    `  machine:    ${os.cpus().length} cores, ${cpuModel()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`  PostgreSQL: ${server}`);
  console.log(`  NATS:       ${nats}`);
  console.log(
    `  node:       ${process.version}; pg ${versionOf('pg')}, @nats-io/jetstream ${versionOf('@nats-io/jetstream')}, PGlite ${versionOf('@electric-sql/pglite')}, pg-transactional-outbox ${versionOf('pg-transactional-outbox')}`,
  );
  console.log(
    `  settings:   ${MESSAGES} messages per workload (pg-transactional-outbox ${PGTO_MESSAGES}) after a warm-up; ${KEYS} keys; ${PRODUCERS} producers, one message per transaction, closed loop`,
  );
  console.log('');

  const results = new Map<string, Result>();
  const record = (id: string, list: Result[]) =>
    list.forEach((r, i) => {
      results.set(list.length > 1 ? `${id}${i}` : id, r);
      report(r);
    });
  const step = async (id: string, title: string, work: () => Promise<Result[]>) => {
    if (!wanted(id)) return;
    console.log(`  ${title}`);
    record(id, await work());
  };
  try {
    await step('raw-js', 'Baseline: raw JetStream, no database', () =>
      guarded('raw JetStream', '', () => rawJetStream(MESSAGES, `bench_raw_${TAG}`)),
    );
    await step('raw-pg', 'Baseline: raw pg INSERT per message, no broker', () =>
      guarded('raw pg INSERT', '', () => rawPg(MESSAGES, `bench_msg_raw_${TAG}`)),
    );
    await step('embedded', 'Pipeline: embedded broker on PostgreSQL', async () => [
      await embeddedOnPostgres(),
    ]);
    await step('pglite', 'Pipeline: embedded broker on PGlite', async () => [await embeddedOnPglite()]);
    await step('nats16', 'Pipeline: NATS broker, 16 partitions', async () => [await natsOnPostgres(16)]);
    await step('nats64', 'Pipeline: NATS broker, 64 partitions', async () => [await natsOnPostgres(64)]);
    await step('nats16b', 'Pipeline: NATS broker, 16 partitions, a batch handler', async () => [
      await natsOnPostgres(16, true),
    ]);
    await step('pgto', `Baseline: pg-transactional-outbox ${versionOf('pg-transactional-outbox')}`, () =>
      guarded('pg-transactional-outbox', '', async () => [
        await pgTransactionalOutbox(PGTO_MESSAGES, `bench_msg_pgto_${TAG}`),
      ]),
    );
  } finally {
    await dropDatabases();
  }

  // Table and targets
  const jsPublish = rate(results.get('raw-js0'));
  const pgto = rate(results.get('pgto'));
  const ratio = (value: number, base: number) =>
    Number.isNaN(value) || Number.isNaN(base) ? 'n/a' : `${(value / base).toFixed(2)}x`;
  const pipelines = ['embedded', 'pglite', 'nats16', 'nats64', 'nats16b'];
  const rows = [...results.entries()].map(([id, r]) => {
    const l = r.latencies;
    const own = rate(r);
    const isPipeline = pipelines.includes(id);
    const isNats = id.startsWith('nats');
    return [
      r.label,
      r.error ? `not measured: ${r.error}` : own.toFixed(0),
      r.error ? '' : ms(percentile(l, 50)),
      r.error ? '' : ms(percentile(l, 99)),
      r.offered && !r.error ? r.offered.toFixed(0) : '',
      isPipeline || id === 'raw-js1' ? ratio(own, jsPublish) : '',
      isPipeline ? ratio(own, pgto) : '',
      isNats ? (own >= 0.5 * jsPublish ? 'MET' : 'MISSED') : '',
      isPipeline ? (own >= 50 * pgto ? 'MET' : Number.isNaN(pgto) ? 'n/a' : 'MISSED') : '',
    ];
  });
  const header = [
    'workload',
    'messages/s',
    'p50',
    'p99',
    'producers msg/s',
    'vs JS publish',
    'vs pg-t-outbox',
    '>= 0.5x JS publish',
    '>= 50x pg-t-outbox',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log('');
  console.log('Results: end-to-end messages/s and latency (pipelines: producer commit → committed effect)');
  console.log('');
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log('Setups:');
  for (const r of results.values()) console.log(`  ${r.label}: ${r.setup}`);
  console.log('');
  // The better of the NATS workloads that ran (Math.max gives NaN as soon as one of them did not).
  const natsRates = ['nats16', 'nats64', 'nats16b']
    .map((id) => rate(results.get(id)))
    .filter((r) => !Number.isNaN(r));
  const best = natsRates.length > 0 ? Math.max(...natsRates) : Number.NaN;
  console.log('Targets:');
  console.log(
    `  ${'NATS pipeline >= 0.5x raw JetStream async publish'.padEnd(68)} ${Number.isNaN(best + jsPublish) ? 'not run' : best >= 0.5 * jsPublish ? 'MET' : 'MISSED'} (best ${best.toFixed(0)} msg/s vs ${(0.5 * jsPublish).toFixed(0)} needed)`,
  );
  for (const id of pipelines) {
    const r = results.get(id);
    if (!r || r.error) continue;
    console.log(
      `  ${`${r.label} >= 50x pg-transactional-outbox`.padEnd(68)} ${Number.isNaN(pgto) ? 'not run' : rate(r) >= 50 * pgto ? 'MET' : 'MISSED'} (${rate(r).toFixed(0)} msg/s vs ${(50 * pgto).toFixed(0)} needed)`,
    );
  }
  console.log(`  (pg-transactional-outbox ran with ${PGTO_BATCH} messages in flight per listener)`);
  console.log('');
  console.log(`Total time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) {
    const measures: Measure[] = [...results.entries()].map(([id, r]) => ({
      id,
      label: r.label,
      rate: rate(r),
      cpuMsPerMessage: r.cpuMsPerMessage ?? Number.NaN,
      ...(r.error ? { error: r.error } : {}),
    }));
    console.log(`${RESULT_PREFIX}${JSON.stringify(measures)}`);
  }
}

const ROUNDS = Number(args['tracing-cost']);
if (!Number.isInteger(ROUNDS) || ROUNDS < 0) throw new Error('--tracing-cost must be a number of rounds');
if (ROUNDS > 0) {
  const passed = ['--messages', args.messages, '--concurrency', args.concurrency];
  if (PER_TRANSACTION !== 1) passed.push('--per-transaction', String(PER_TRANSACTION));
  if (ONE_THREAD) passed.push('--one-thread');
  await tracingCost(
    fileURLToPath(import.meta.url),
    ONLY.length > 0 ? ONLY : ['handling', 'embedded', 'nats16'],
    ROUNDS,
    passed,
  );
} else if (ONLY.length === 1 && ONLY[0] === 'handling') {
  // 100 handlings per pipeline message: it takes a second or two.
  const measure = await handlingMeasure(MESSAGES * 100);
  console.log(`${RESULT_PREFIX}${JSON.stringify([measure])}`);
} else await main();
// pg-transactional-outbox's listeners leave timers behind after their shutdown: do not wait for them.
process.exit(0);
