/**
 * Saga benchmark: checkouts per second through the create-order saga to an approved order, with the latency
 * from the checkout's response to the OrderApproved commit, on the embedded default (PGlite on disk, the
 * embedded broker) and on PostgreSQL + NATS JetStream; then the projection replay rate over a 100,000-event
 * history (the platform's projections bench). Run with `npm run bench:saga [-- --orders N --clients C]`.
 *
 * Everything runs in this one process, as `npm start` does: the whole mall (7 modules), driven through its
 * REST API by C clients in a closed loop (each: authorize a payment, start a basket, add two products, check
 * out, and go on without waiting for the approval). Latency runs from sending the checkout request. The offered load is what those clients achieve; the
 * approvals are counted by a subscription of the benchmark's own to the orders channel, after commit.
 * Options: `--orders N` (default 1,000), `--clients C` (default 8), `--only embedded,nats`,
 * `--events N` (projection history, default 100,000; 0 skips it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import { authorizationFor, benchMachine } from '@tessera/platform/testing';
import { mallbots } from '../src/app.js';
import { ORDER_CHANNEL } from '../src/ordering/contract/integration-events.js';

const { cpuModel, databaseUrl, withAdmin } = benchMachine;

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '8' },
    only: { type: 'string', default: '' },
    events: { type: 'string', default: '100000' },
  },
});
const ORDERS = Number(args.orders);
const CLIENTS = Number(args.clients);
const EVENTS = Number(args.events);
if (!(ORDERS >= 1) || !(CLIENTS >= 1) || !(EVENTS >= 0))
  throw new Error('--orders, --clients and --events must be positive');
const ONLY = args.only.split(',').filter((id) => id !== '');
const wanted = (id: string) => ONLY.length === 0 || ONLY.includes(id);
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const WARM_UP = Math.min(100, Math.ceil(ORDERS / 10));

interface Result {
  label: string;
  setup: string;
  orders: number;
  seconds: number;
  checkoutsPerSecond: number;
  latencies: number[];
  rejected: number;
  error?: string;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const operators = new WeakMap<Host, Promise<{ authorization: string }>>();
const asOperator = (host: Host) => {
  const known = operators.get(host);
  if (known) return known;
  const header = authorizationFor(host);
  operators.set(host, header);
  return header;
};

async function call(host: Host, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const response = await host.http.inject({
    method,
    url,
    // As an operator: the bench measures the saga, not the login.
    headers: await asOperator(host),
    ...(body === undefined ? {} : { payload: body as object }),
  });
  if (response.statusCode >= 400)
    throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.body ? (JSON.parse(response.body) as { id?: string }) : {};
}

/** The mall's fixture: one participating store with two products, and a customer per client. */
async function fixture(host: Host) {
  const store = await call(host, 'POST', '/api/stores', { name: 'Bench Bots', location: 'B1' });
  await call(host, 'PUT', `/api/stores/${store.id}/participating`);
  const product = async (name: string, price: number) =>
    (
      await call(host, 'POST', `/api/stores/${store.id}/products`, {
        name,
        description: 'x',
        sku: name,
        price,
      })
    ).id!;
  const products = [await product('Arm', 19.99), await product('Gear', 0.29)];
  const customers: string[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    customers.push(
      (await call(host, 'POST', '/api/customers', { name: `C${c}`, smsNumber: `+1555000${c}` })).id!,
    );
  }
  return { products, customers, totalCents: 2 * 1999 + 3 * 29 };
}

async function measure(label: string, setup: string, host: Host): Promise<Result> {
  const { products, customers, totalCents } = await fixture(host);
  const checkedOutAt = new Map<string, number>();
  const approvedAt = new Map<string, number>();
  let rejected = 0;
  let waiting: { count: number; resolve: () => void } | undefined;
  const settled = () => approvedAt.size + rejected;
  const subscription = await host.broker.subscribe({
    group: `bench-orders-${process.pid}`,
    subjects: [ORDER_CHANNEL],
    concurrency: 8,
    async handle(message) {
      if (message.type !== 'ordersapi.OrderApproved' && message.type !== 'ordersapi.OrderRejected') return;
      await host.db.afterCommit(() => {
        if (message.type === 'ordersapi.OrderApproved') approvedAt.set(message.key, performance.now());
        else rejected++;
        if (waiting && settled() >= waiting.count) waiting.resolve();
      });
    },
  });
  const until = (count: number) =>
    settled() >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { count, resolve }));

  const checkoutOne = async (client: number) => {
    const customerId = customers[client]!;
    const payment = await call(host, 'POST', '/api/payments', { customerId, amountCents: totalCents });
    const basket = await call(host, 'POST', '/api/baskets', { customerId });
    await call(host, 'PUT', `/api/baskets/${basket.id}/addItem`, { productId: products[0], quantity: 2 });
    await call(host, 'PUT', `/api/baskets/${basket.id}/addItem`, { productId: products[1], quantity: 3 });
    checkedOutAt.set(basket.id!, performance.now());
    await call(host, 'PUT', `/api/baskets/${basket.id}/checkout`, { paymentId: payment.id });
  };
  const run = async (count: number) => {
    let next = 0;
    const target = settled() + count;
    const started = performance.now();
    const progress = setInterval(
      () =>
        console.log(
          `      ${label}: ${Math.min(next, count)} of ${count} checked out, ${settled()} of ${target} settled`,
        ),
      2_000,
    );
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        while (next < count) {
          next++;
          await checkoutOne(client);
        }
      }),
    );
    const offered = performance.now();
    await until(target);
    clearInterval(progress);
    return { started, offered, ended: performance.now() };
  };
  try {
    await run(WARM_UP);
    const firstTimed = new Set(approvedAt.keys());
    const rejectedBefore = rejected;
    const { started, offered, ended } = await run(ORDERS);
    const latencies = [...approvedAt.entries()]
      .filter(([id]) => !firstTimed.has(id) && checkedOutAt.has(id))
      .map(([id, at]) => at - checkedOutAt.get(id)!)
      .sort((a, b) => a - b);
    const seconds = (ended - started) / 1000;
    return {
      label,
      setup: `${setup}; offered: ${CLIENTS} clients, ${(ORDERS / ((offered - started) / 1000)).toFixed(0)} checkouts/s`,
      orders: ORDERS,
      seconds,
      checkoutsPerSecond: latencies.length / seconds,
      latencies,
      rejected: rejected - rejectedBefore,
    };
  } finally {
    await subscription.stop();
  }
}

const baseConfig = () => ({
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  logLevel: 'warn' as const,
  logFormat: 'json' as const,
  // The clients are one address: the limiter runs (its cost is part of what is measured) but never refuses.
  rateLimitMax: Number.MAX_SAFE_INTEGER,
  rateLimitCredentialsPerMinute: Number.MAX_SAFE_INTEGER,
});

async function embedded(): Promise<Result> {
  const label = 'embedded default (PGlite on disk, embedded broker)';
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-saga-'));
  try {
    const host = await startHost({
      name: 'bench',
      version: 'bench',
      modules: mallbots.modules,
      bootstrapOperator: false,
      config: { ...baseConfig(), dataDir },
    });
    try {
      return await measure(label, '1 process', host);
    } finally {
      await host.stop();
    }
  } catch (error) {
    return failed(label, error);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function nats(): Promise<Result> {
  const label = 'PostgreSQL + NATS JetStream';
  const name = `bench_saga_${process.pid}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const stream = `bench_saga_${process.pid}`;
  try {
    const host = await startHost({
      name: 'bench',
      version: 'bench',
      modules: mallbots.modules,
      bootstrapOperator: false,
      config: { ...baseConfig(), databaseUrl: databaseUrl(name), natsUrl: NATS_URL, natsStream: stream },
    });
    try {
      return await measure(label, '1 process, 16 partitions', host);
    } finally {
      await host.stop();
    }
  } catch (error) {
    return failed(label, error);
  } finally {
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await deleteStream(stream);
  }
}

async function deleteStream(stream: string) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

const failed = (label: string, error: unknown): Result => ({
  label,
  setup: '',
  orders: 0,
  seconds: 0,
  checkoutsPerSecond: 0,
  latencies: [],
  rejected: 0,
  error: error instanceof Error ? error.message : String(error),
});

console.log(
  `Saga benchmark: ${ORDERS} orders per setup, ${CLIENTS} clients; ${cpuModel()}; Node ${process.version}`,
);
const results: Result[] = [];
if (wanted('embedded')) results.push(await embedded());
if (wanted('nats')) results.push(await nats());

console.log('\n| setup | approved orders/s | p50 checkout → approved | p99 | rejected | run |');
console.log('|:--|--:|--:|--:|--:|:--|');
for (const r of results) {
  if (r.error) {
    console.log(`| ${r.label} | NOT MEASURED: ${r.error} | | | | |`);
    continue;
  }
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `| ${r.label} | ${r.checkoutsPerSecond.toFixed(1)} | ${ms(percentile(r.latencies, 50))} | ${ms(percentile(r.latencies, 99))} | ${r.rejected} | ${r.orders} orders in ${r.seconds.toFixed(1)} s; ${r.setup} |`,
  );
}

if (EVENTS > 0) {
  console.log(
    `\nProjection replay over a ${EVENTS}-event history (packages/platform/bench/projections.bench.ts):`,
  );
  const replay = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '../../../packages/platform/bench/projections.bench.ts'),
      String(EVENTS),
    ],
    { stdio: 'inherit' },
  );
  if (replay.status !== 0) process.exitCode = 1;
}
if (results.some((r) => r.error)) process.exitCode = 1;
