import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deleteTestStream } from '@tessera/platform/testing';
import pg from 'pg';
import { durationMs } from '../tools/busywork/main.js';
import type { BusyworkReport, runBusywork } from '../tools/busywork/run.js';
import { baselineCheckout, type Checkout, median, ratio, thisTree } from './system-baseline.js';
import {
  freePort,
  type ProcessUsage,
  probeResponsiveness,
  type Responsiveness,
  sampleUsage,
  startScript,
  type Target,
  untilUp,
} from './system-processes.js';

/**
 * `npm run bench:system`: the load generator, buy-heavy, at increasing offered load against MallBots as one
 * process on the embedded default, as one process on PostgreSQL + NATS, and distributed (one process per
 * module behind the gateway); completed orders/s at saturation, checkout→approved/ready latencies, CPU and
 * memory per process, and how the process answers meanwhile (`/liveness`, event-loop delay). With
 * `--baseline <commit>`, each target runs against that commit's checkout and this tree, alternating
 * (`--rounds` times each), both as MallBots alone, and the ratios of their medians are printed. Fails when an
 * order breaks an invariant.
 */
const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'embedded,postgres,distributed' },
    clients: { type: 'string', default: '5,10,20,40' },
    step: { type: 'string', default: '20s' },
    pace: { type: 'string', default: '0' },
    drain: { type: 'string', default: '90s' },
    robots: { type: 'string', default: '10' },
    'robot-step-ms': { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '1' },
  },
});
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const steps = values.clients.split(',').map(Number);
const stepMs = durationMs(values.step, '--step');
const paceMs = durationMs(values.pace, '--pace');
const drainMs = durationMs(values.drain, '--drain');
const say = (line: string) => process.stdout.write(`${line}\n`);
const root = fileURLToPath(new URL('../../../', import.meta.url));

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Deployment {
  script: string;
  env: NodeJS.ProcessEnv;
  /** Drops what the deployment made; its logs stay (and are named) when `keepLogs`. */
  cleanUp(keepLogs: boolean): Promise<void>;
}

const unique = () => randomUUID().replaceAll('-', '').slice(0, 10);

const DEPLOYMENTS: Record<string, (() => Promise<Deployment>) | undefined> = {
  async embedded() {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-system-'));
    return {
      script: 'start',
      env: { DATA_DIR: dataDir },
      cleanUp: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
  async postgres() {
    const database = `bench_system_${unique()}`;
    const stream = `bench${unique()}`;
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    return {
      script: 'start',
      env: { DATABASE_URL: url.toString(), NATS_URL, NATS_STREAM: stream },
      async cleanUp() {
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
        await deleteTestStream(stream).catch(() => undefined);
      },
    };
  },
  async distributed() {
    const prefix = `bench_${unique()}`;
    const stream = `bench${unique()}`;
    const logDir = mkdtempSync(join(tmpdir(), 'bench-system-logs-'));
    return {
      script: 'start:distributed',
      env: {
        DATABASE_URL: ADMIN_URL,
        NATS_URL,
        NATS_STREAM: stream,
        DISTRIBUTED_PREFIX: prefix,
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
        LOG_DIR: logDir,
      },
      async cleanUp(keepLogs) {
        await admin(async (client) => {
          const { rows } = await client.query<{ datname: string }>(
            "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_%'",
            [prefix],
          );
          for (const { datname } of rows) {
            await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
            await client.query(`DROP ROLE IF EXISTS "${datname}"`);
          }
        });
        await deleteTestStream(stream).catch(() => undefined);
        if (keepLogs) say(`[distributed] the processes' logs are kept in ${logDir}`);
        else rmSync(logDir, { recursive: true, force: true });
      },
    };
  },
};

interface StepResult {
  clients: number;
  report: BusyworkReport;
  usage: ProcessUsage[];
  responsiveness: Responsiveness;
}

interface Outcome {
  results: StepResult[];
  saturation?: StepResult;
}

const fixed = (value: number | undefined, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));
const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
};

async function benchTarget(name: string, checkout: Checkout): Promise<Outcome> {
  const deploy = DEPLOYMENTS[name];
  if (!deploy) throw new Error(`unknown target ${name} (embedded, postgres, distributed)`);
  const deployment = await deploy();
  const port = await freePort();
  const logFile = join(tmpdir(), `bench-system-${name}-${unique()}.log`);
  // The clients act as this run's operator, made at the first start from these.
  const login = { username: 'bench-operator', password: randomUUID() };
  const target: Target = startScript(
    deployment.script,
    {
      ...process.env,
      ...checkout.env,
      ...deployment.env,
      PORT: String(port),
      RPC_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ROBOTS: values.robots,
      ROBOTS_STEP_MS: values['robot-step-ms'],
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      OPERATOR_USERNAME: login.username,
      OPERATOR_PASSWORD: login.password,
      // The load comes from one address: the limiter runs (its cost is measured) but never refuses.
      RATE_LIMIT_MAX: '1000000000',
      RATE_LIMIT_CREDENTIALS: '1000000000',
    },
    logFile,
    checkout.cwd,
  );
  const url = `http://127.0.0.1:${port}`;
  const results: StepResult[] = [];
  try {
    say(
      `[${name}] starting \`npm run ${deployment.script}\` of ${checkout.label} on port ${port} (log ${logFile})...`,
    );
    await untilUp(`${url}/readiness`, target, 180_000);
    for (const [index, clients] of steps.entries()) {
      say(
        `[${name}] step ${index + 1}/${steps.length}: ${clients} clients for ${stepMs / 1000} s (then drain)...`,
      );
      const usage = sampleUsage(target.process.pid!);
      const responsiveness = probeResponsiveness(url);
      let lastLine = 0;
      const generate = (await import(checkout.loadGenerator)) as { runBusywork: typeof runBusywork };
      const generated = await generate.runBusywork({
        url,
        login,
        clients,
        durationMs: stepMs,
        paceMs,
        drainMs,
        mix: 'buy',
        seed: Number(values.seed) + index * 1000,
        onProgress(progress) {
          if (progress.elapsedMs - lastLine < 10_000) return;
          lastLine = progress.elapsedMs;
          const orders = Object.entries(progress.orders)
            .map(([state, count]) => `${state} ${count}`)
            .join(', ');
          say(
            `[${name}]   ${progress.phase} ${(progress.elapsedMs / 1000).toFixed(0)} s: ${progress.actionsPerSecond.toFixed(1)} actions/s, ${progress.errors} errors; ${orders}`,
          );
        },
      });
      // A baseline's report may spell its canceled orders the British way.
      const orders = generated.orders as BusyworkReport['orders'] & { cancelled?: number };
      const report: BusyworkReport = {
        ...generated,
        orders: { ...orders, canceled: orders.canceled ?? orders.cancelled ?? 0 },
      };
      const result = {
        clients,
        report,
        usage: usage.stop(),
        responsiveness: await responsiveness.stop(),
      };
      results.push(result);
      say(
        `[${name}]   ${report.orders.total} orders: ${report.orders.completed} completed (${report.completedPerSecond}/s), ${report.orders.canceled} canceled, ${report.orders.rejected} rejected, ${report.orders.open} open; ${report.errors} errors; ${report.ok ? 'invariants hold' : 'INVARIANTS FAILED'}`,
      );
      for (const error of report.recentErrors) say(`[${name}]   latest error: ${error}`);
      if (!report.ok) break;
      const previous = results.at(-2);
      if (previous && report.completedPerSecond < previous.report.completedPerSecond * 1.1) break;
    }
  } finally {
    await target.stop();
    const keepLogs = results.some(({ report }) => report.errors > 0 || !report.ok);
    await deployment
      .cleanUp(keepLogs)
      .catch((error: unknown) => say(`[${name}] clean-up failed: ${(error as Error).message}`));
    if (keepLogs) say(`[${name}] there were errors: its log is kept, ${logFile}`);
    else rmSync(logFile, { force: true });
  }
  // Saturation: the best step, i.e. the one after which completed orders/s stopped growing by more than 10 %.
  const saturation = results.reduce<StepResult | undefined>(
    (best, result) =>
      !best || result.report.completedPerSecond > best.report.completedPerSecond ? result : best,
    undefined,
  );
  say('');
  say(`${name}: ${results.length} steps`);
  say(
    table([
      [
        'clients',
        'orders',
        'checkouts/s',
        'completed/s',
        'approved p50',
        'p99',
        'ready p50',
        'p99',
        'errors',
        'CPU %',
        'RSS MB',
        'live p99',
        'max',
        'loop p99',
      ],
      ...results.map(({ clients, report, usage, responsiveness }) => [
        String(clients),
        String(report.orders.total),
        fixed(report.checkoutsPerSecond, 2),
        fixed(report.completedPerSecond, 2),
        fixed(report.checkoutToApproved.p50),
        fixed(report.checkoutToApproved.p99),
        fixed(report.checkoutToReady.p50),
        fixed(report.checkoutToReady.p99),
        String(report.errors),
        fixed(usage.reduce((sum, u) => sum + u.cpuPercent, 0)),
        String(usage.reduce((sum, u) => sum + u.peakRssMb, 0)),
        fixed(responsiveness.liveness.p99),
        fixed(responsiveness.liveness.max),
        fixed(responsiveness.loopDelayP99),
      ]),
    ]),
  );
  if (saturation) {
    say(
      `per process at saturation (${saturation.clients} clients; CPU: % of one core over the step and its drain):`,
    );
    say(
      table([
        ['process', 'pid', 'CPU %', 'peak RSS MB'],
        ...saturation.usage.map((u) => [u.name, String(u.pid), fixed(u.cpuPercent), String(u.peakRssMb)]),
      ]),
    );
  }
  say('');
  return { results, saturation };
}

say(
  `bench:system on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
say(
  `steps ${steps.join(', ')} clients, ${stepMs / 1000} s each, pace ${paceMs} ms, drain up to ${drainMs / 1000} s; ${values.robots} robots, step ${values['robot-step-ms']} ms`,
);
const current = thisTree(root);
const baseline = values.baseline ? baselineCheckout(root, values.baseline, say) : undefined;
const rounds = Math.max(1, Number(values.rounds) || 1);
const outcomes = new Map<string, Map<Checkout, Outcome[]>>();
let failed = false;
const violations: string[] = [];
for (const name of values.targets.split(',')) {
  const checkouts = baseline ? [baseline, current] : [current];
  if (name === 'distributed' && checkouts.some((checkout) => !checkout.scripts['start:distributed'])) {
    say('[distributed] skipped: a checkout has no `npm run start:distributed`');
    continue;
  }
  const byCheckout = new Map<Checkout, Outcome[]>(checkouts.map((checkout) => [checkout, []]));
  outcomes.set(name, byCheckout);
  for (let round = 0; round < rounds; round++) {
    // Alternating (ABBA...): a drift of the machine over the run weighs on both sides alike.
    for (const checkout of round % 2 === 0 ? checkouts : [...checkouts].reverse()) {
      if (rounds > 1) say(`[${name}] round ${round + 1}/${rounds}: ${checkout.label}`);
      const outcome = await benchTarget(name, checkout);
      byCheckout.get(checkout)!.push(outcome);
      for (const { clients, report } of outcome.results) {
        if (report.ok) continue;
        failed = true;
        if (report.drainTimedOut)
          for (const { orderId, status } of report.openOrders)
            violations.push(`${name}, ${clients} clients: order ${orderId} still ${status} after the drain`);
        for (const v of report.violations)
          violations.push(`${name}, ${clients} clients: order ${v.orderId} ${v.problem}`);
      }
    }
  }
}

/** The figures issue 20 compares, of one run: at saturation, and with the fewest clients. */
const figures = ({ results, saturation }: Outcome) => {
  const first = results[0];
  return {
    'completed orders/s at saturation': saturation?.report.completedPerSecond,
    'checkout→approved p50 ms, fewest clients': first?.report.checkoutToApproved.p50,
    'checkout→approved p99 ms at saturation': saturation?.report.checkoutToApproved.p99,
    'checkout→ready p50 ms at saturation': saturation?.report.checkoutToReady.p50,
    'peak RSS MB (all processes)': Math.max(
      ...results.map(({ usage }) => usage.reduce((sum, u) => sum + u.peakRssMb, 0)),
    ),
    '/liveness p99 ms at saturation': saturation?.responsiveness.liveness.p99,
    '/liveness max ms at saturation': saturation?.responsiveness.liveness.max,
    'event-loop delay p99 ms at saturation': saturation?.responsiveness.loopDelayP99,
  };
};
const medianFigures = (runs: readonly Outcome[]) => {
  const each = runs.map(figures);
  const keys = Object.keys(figures({ results: [] })) as Array<keyof ReturnType<typeof figures>>;
  return Object.fromEntries(keys.map((key) => [key, median(each.map((run) => run[key]))])) as Record<
    (typeof keys)[number],
    number | undefined
  >;
};

if (baseline) {
  for (const [name, byCheckout] of outcomes) {
    const before = medianFigures(byCheckout.get(baseline)!);
    const after = medianFigures(byCheckout.get(current)!);
    say(`${name}: ${current.label} against ${baseline.label} (medians of ${rounds} run(s) each)`);
    say(
      table([
        ['figure', baseline.label, current.label, 'ratio'],
        ...(Object.keys(before) as Array<keyof typeof before>).map((key) => [
          key,
          fixed(before[key], 2),
          fixed(after[key], 2),
          ratio(after[key], before[key]),
        ]),
      ]),
    );
    say('');
  }
} else {
  const summaries = [...outcomes].map(([name, byCheckout]) => ({
    name,
    saturation: byCheckout.get(current)![0]?.saturation,
  }));
  const base = summaries[0]?.saturation;
  if (base && summaries.length > 1) {
    say(`at saturation, relative to ${summaries[0]!.name}:`);
    say(
      table([
        ['target', 'completed/s', 'ratio', 'ready p50 ms', 'ratio', 'ready p99 ms', 'ratio'],
        ...summaries.map(({ name, saturation }) => {
          const r = saturation?.report;
          return [
            name,
            fixed(r?.completedPerSecond, 2),
            ratio(r?.completedPerSecond, base.report.completedPerSecond),
            fixed(r?.checkoutToReady.p50),
            ratio(r?.checkoutToReady.p50, base.report.checkoutToReady.p50),
            fixed(r?.checkoutToReady.p99),
            ratio(r?.checkoutToReady.p99, base.report.checkoutToReady.p99),
          ];
        }),
      ]),
    );
  }
}
if (failed) {
  say('FAILED: an order broke an invariant or the drain timed out (see above)');
  for (const violation of violations.slice(0, 50)) say(`  ${violation}`);
}
process.exit(failed ? 1 : 0);
