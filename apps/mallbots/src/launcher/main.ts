import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tessera/platform/runtime';
import { selectModules } from '../config.js';
import { provisionDatabases } from './databases.js';
import { type LauncherSettings, launcherSettings, MODULE_NAMES, planTopology, portsFrom } from './plan.js';
import { type Child, startChild, stopChild, untilReady } from './processes.js';

/**
 * `npm run start:distributed`: MallBots as one process per module on this machine, against the PostgreSQL and
 * NATS servers of DATABASE_URL (an admin connection) and NATS_URL, behind the gateway on PORT (ADR 0019).
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);
const STOP_TIMEOUT_MS = 15_000;

// MODULES (default: all) chooses which module processes to start, as it chooses a process's modules.
let settings: LauncherSettings;
let names: string[];
try {
  [settings, names] = collectProblems(
    () => launcherSettings(process.env),
    () =>
      selectModules(
        MODULE_NAMES.map((name) => ({ name })),
        process.env.MODULES,
      ).map((module) => module.name),
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const runsDepot = names.includes('depot');
const host = settings.HOST;
const ports = {
  http:
    settings.HTTP_PORT_BASE === 0
      ? await freePorts(names.length)
      : portsFrom(settings.HTTP_PORT_BASE, names.length),
  rpc:
    settings.RPC_PORT_BASE === 0
      ? await freePorts(names.length)
      : portsFrom(settings.RPC_PORT_BASE, names.length),
  gateway: settings.PORT === 0 ? (await freePorts(1))[0]! : settings.PORT,
};
const taken = await takenPorts([...ports.http, ...ports.rpc, ports.gateway]);
if (taken.length > 0) {
  process.stderr.write(
    `ports already in use on ${host}: ${taken.join(', ')}\n` +
      'stop what listens there, or choose others: PORT (gateway), HTTP_PORT_BASE, RPC_PORT_BASE (0: any free)\n',
  );
  process.exit(1);
}
const nats = await unreachableNats(settings.NATS_URL);
if (nats) {
  process.stderr.write(`cannot reach NATS at ${settings.NATS_URL}: ${nats}\n`);
  process.exit(1);
}
const plan = planTopology(settings, names, ports);
const logDir = resolve(repoRoot, settings.LOG_DIR);
mkdirSync(logDir, { recursive: true });

const modules: Child[] = [];
const edges: Child[] = []; // the gateway and the robots: stopped first
let stopping: Promise<never> | undefined;

function shutdown(code: number, why: string): Promise<never> {
  stopping ??= (async () => {
    say(why);
    for (const group of [edges, modules]) {
      await Promise.all(
        group.map(async (child) => {
          const how = await stopChild(child, STOP_TIMEOUT_MS);
          say(`  ${child.name} ${how === 'killed' ? 'killed (did not stop in time)' : 'stopped'}`);
        }),
      );
    }
    say('all stopped');
    process.exit(code);
  })();
  return stopping;
}
process.once('SIGINT', () => void shutdown(0, 'stopping (SIGINT)...'));
process.once('SIGTERM', () => void shutdown(0, 'stopping (SIGTERM)...'));

/** A child that dies while the others run takes the whole topology down: it is no topology without it. */
function watch(child: Child) {
  void child.exited.then((code) => {
    if (stopping) return;
    process.stderr.write(`\n${child.name} exited unexpectedly (${code}); its last lines (${child.log}):\n`);
    process.stderr.write(`${child.lastLines()}\n`);
    void shutdown(1, 'stopping everything...');
  });
}

async function startAll(
  group: Child[],
  specs: Array<{ name: string; entry: string; env: NodeJS.ProcessEnv; readiness?: string }>,
) {
  const started = specs.map((spec) => {
    const child = startChild({ ...spec, cwd: repoRoot, log: join(logDir, `${spec.name}.log`) });
    group.push(child);
    say(`  started ${spec.name} (pid ${child.process.pid}), log ${child.log}`);
    return { child, readiness: spec.readiness };
  });
  const deadline = Date.now() + settings.READY_TIMEOUT * 1000;
  const failures = await Promise.all(
    started.map(async ({ child, readiness }) => {
      if (!readiness) return undefined;
      try {
        await untilReady(child, readiness, deadline);
        say(`  ${child.name} ready`);
        return undefined;
      } catch (error) {
        return { child, error: error as Error };
      }
    }),
  );
  for (const failure of failures) {
    if (!failure || stopping) continue;
    process.stderr.write(`\n${failure.error.message}; its last lines (${failure.child.log}):\n`);
    process.stderr.write(`${failure.child.lastLines()}\n`);
  }
  if (failures.some(Boolean)) await shutdown(1, 'MallBots did not start; stopping what did...');
  for (const { child } of started) watch(child);
}

try {
  say(`creating the databases and roles ${settings.DISTRIBUTED_PREFIX}_<module> (if missing)...`);
  await provisionDatabases(settings.DATABASE_URL, plan.modules, settings.DISTRIBUTED_DB_PASSWORD);
} catch (error) {
  process.stderr.write(
    `cannot prepare the databases on ${redacted(settings.DATABASE_URL)}: ${(error as Error).message}\n`,
  );
  process.exit(1);
}

say(
  `starting ${plan.modules.length} module processes (NATS ${settings.NATS_URL}, stream ${settings.NATS_STREAM})...`,
);
await startAll(
  modules,
  plan.modules.map((entry) => ({
    name: entry.module,
    entry: 'apps/mallbots/src/main.ts',
    env: { ...process.env, ...plan.moduleEnv(entry) },
    readiness: `${plan.httpUrl(entry.module)}/readiness`,
  })),
);

say(settings.ROBOTS > 0 && runsDepot ? 'starting the gateway and the robots...' : 'starting the gateway...');
const gatewayUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${plan.gatewayPort}`;
await startAll(edges, [
  {
    name: 'gateway',
    entry: 'apps/mallbots/src/gateway/main.ts',
    env: { ...process.env, ...plan.gatewayEnv() },
    readiness: `${gatewayUrl}/readiness`,
  },
  ...(settings.ROBOTS > 0 && runsDepot
    ? [
        {
          name: 'robots',
          entry: 'apps/mallbots/tools/robots/main.ts',
          env: {
            ...process.env,
            ROBOTS: String(settings.ROBOTS),
            ROBOTS_URL: plan.rpcUrl('depot'),
            LOG_FORMAT: 'json',
          },
        },
      ]
    : []),
]);

const rows = [
  ['process', 'HTTP', 'RPC', 'pid', 'log'],
  ['gateway', gatewayUrl, '-', String(edges[0]?.process.pid), edges[0]?.log ?? ''],
  ...plan.modules.map((entry, index) => [
    entry.module,
    plan.httpUrl(entry.module),
    plan.rpcUrl(entry.module),
    String(modules[index]?.process.pid),
    modules[index]?.log ?? '',
  ]),
  ...(edges[1]
    ? [['robots', '-', `-> ${plan.rpcUrl('depot')}`, String(edges[1].process.pid), edges[1].log]]
    : []),
];
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
say('');
for (const row of rows)
  say(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
say(
  `\nMallBots (distributed) is running at ${gatewayUrl} (API docs at ${gatewayUrl}/docs); Ctrl-C stops it all`,
);

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((done) => server.listen(0, host, done));
      return server;
    }),
  );
  const found = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return found;
}

async function takenPorts(candidates: readonly number[]): Promise<number[]> {
  const taken: number[] = [];
  for (const port of candidates) {
    const server = createServer();
    const free = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, host, () => done(true));
    });
    if (free) await new Promise((done) => server.close(done));
    else taken.push(port);
  }
  return taken;
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Runs every loader, so that one ConfigError names the problems of all of them. */
function collectProblems<A, B>(first: () => A, second: () => B): [A, B] {
  const problems: string[] = [];
  const run = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const results = [run(first), run(second)] as [A, B];
  if (problems.length > 0) throw new ConfigError(problems);
  return results;
}

/** Why the first NATS server does not accept a connection, or undefined when it does: a clear error up front. */
async function unreachableNats(urls: string): Promise<string | undefined> {
  const url = new URL(urls.split(',')[0]!.trim());
  return new Promise((done) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 4222) });
    socket.setTimeout(3_000, () => socket.destroy(new Error('no answer within 3 s')));
    socket.once('connect', () => {
      socket.destroy();
      done(undefined);
    });
    socket.once('error', (error) => done(error.message));
  });
}
