import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Application } from '../application.js';
import { collectProblems, orExit } from '../entry-config.js';
import { chooseMounted, processTitle } from '../serve.js';
import { provisionDatabases } from './databases.js';
import {
  CREATING_DATABASES,
  LAUNCHED,
  launcherSettings,
  planTopology,
  portsFrom,
  streamNameOf,
} from './plan.js';
import { type Child, startChild, stopChild, untilReady } from './processes.js';

const STOP_TIMEOUT_MS = 15_000;
/** Restart back-off: doubles from the first delay up to the last; a process up for a while starts over. */
const BACKOFF_MS = { first: 500, max: 30_000, healthyAfter: 60_000 };

export interface LaunchOptions {
  /** The entry script the launcher runs as, which it runs again for each process (`start`, `gateway`, ...). */
  readonly entry: string;
  /** Where relative paths (LOG_DIR) and the children's working directory are. */
  readonly cwd: string;
}

/**
 * `npm run start:distributed`: the chosen applications (APPS; unset: every one, as `npm start` serves them) as
 * one process per module on this machine, against the PostgreSQL and NATS servers of DATABASE_URL (an admin
 * connection) and NATS_URL, behind one gateway on PORT that serves each application under its path prefix
 * (ADR 0019, ADR 0027), with one identity provider for them all and their companions beside. It supervises
 * them: a process that dies is restarted with back-off and the log says so; a stop (Ctrl-C, SIGTERM) stops
 * them all in order; and a launcher that is killed takes them with it (they watch its pipe).
 */
export async function launch(applications: readonly Application[], options: LaunchOptions): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // MODULES chooses among the chosen applications' modules, as for one process: their names are unique.
  const [mounted, settings] = orExit(
    () =>
      collectProblems(
        () => chooseMounted(applications, process.env),
        () => launcherSettings(process.env),
      ),
    2,
  );
  const names = mounted.flatMap(({ modules }) => modules.map((module) => module.name));
  const host = settings.HOST;
  const companions = mounted.flatMap(({ application, modules }) =>
    application.companions.filter((companion) => modules.some((module) => module.name === companion.beside)),
  );
  const portsAt = async (base: number, count: number) =>
    base === 0 ? freePorts(host, count) : portsFrom(base, count);
  // The identity provider takes the HTTP port after the modules'.
  const httpPorts = await portsAt(settings.HTTP_PORT_BASE, names.length + 1);
  const ports = {
    http: httpPorts.slice(0, names.length),
    identity: httpPorts[names.length]!,
    rpc: await portsAt(settings.RPC_PORT_BASE, names.length),
    gateway: (await portsAt(settings.PORT, 1))[0]!,
  };
  const taken = await takenPorts(host, [...httpPorts, ...ports.rpc, ports.gateway]);
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
  // Every application of the repository, not only the chosen ones: the identity provider's database is the
  // system's, whichever applications this launch runs.
  const plan = planTopology(
    applications,
    settings,
    names,
    ports,
    settings.AUTH_CLIENT_SECRET ?? randomBytes(24).toString('base64url'),
  );
  const title = processTitle(mounted).name;
  const logDir = resolve(options.cwd, settings.LOG_DIR);
  mkdirSync(logDir, { recursive: true });

  interface Spec {
    readonly name: string;
    readonly args: readonly string[];
    readonly env: NodeJS.ProcessEnv;
    readonly readiness?: string;
  }
  const supervised = new Map<string, { spec: Spec; child: Child; restarts: number }>();
  const moduleNames: string[] = [];
  const edgeNames: string[] = []; // the gateway and the companions: stopped first
  let stopping: Promise<never> | undefined;

  function shutdown(code: number, why: string): Promise<never> {
    stopping ??= (async () => {
      say(why);
      for (const group of [edgeNames, moduleNames]) {
        await Promise.all(
          group.map(async (name) => {
            const entry = supervised.get(name);
            if (!entry) return;
            const how = await stopChild(entry.child, STOP_TIMEOUT_MS);
            say(`  ${name} ${how === 'killed' ? 'killed (did not stop in time)' : 'stopped'}`);
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
  process.once('SIGHUP', () => void shutdown(0, 'stopping (SIGHUP)...'));

  const spawnSpec = (spec: Spec) =>
    startChild({
      name: spec.name,
      args: spec.args,
      cwd: options.cwd,
      env: spec.env,
      log: join(logDir, `${spec.name}.log`),
    });

  /** A process that dies while the others run is started again after a back-off, which grows while it keeps dying. */
  function supervise(name: string) {
    const entry = supervised.get(name);
    if (!entry) return;
    const startedAt = Date.now();
    void entry.child.exited.then(async (code) => {
      if (stopping) return;
      if (code === 0 && entry.spec.readiness === undefined) {
        say(`${name} finished`);
        return;
      }
      if (Date.now() - startedAt > BACKOFF_MS.healthyAfter) entry.restarts = 0;
      const delay = Math.min(BACKOFF_MS.first * 2 ** entry.restarts, BACKOFF_MS.max);
      entry.restarts += 1;
      process.stderr.write(
        `${name} exited unexpectedly (${code}); restarting it in ${delay} ms (restart ${entry.restarts}); its last lines (${entry.child.log}):\n${entry.child.lastLines(10)}\n`,
      );
      await new Promise((done) => setTimeout(done, delay));
      if (stopping) return;
      entry.child = spawnSpec(entry.spec);
      say(`restarted ${name} (pid ${entry.child.process.pid})`);
      supervise(name);
      if (entry.spec.readiness) {
        untilReady(entry.child, entry.spec.readiness, Date.now() + settings.READY_TIMEOUT * 1000).then(
          () => say(`${name} ready again`),
          () => undefined, // it exited or is slow: its exit, if any, is supervised above
        );
      }
    });
  }

  async function startAll(group: string[], specs: readonly Spec[]) {
    const started = specs.map((spec) => {
      const child = spawnSpec(spec);
      supervised.set(spec.name, { spec, child, restarts: 0 });
      group.push(spec.name);
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
    if (failures.some(Boolean)) await shutdown(1, `${title} did not start; stopping what did...`);
    for (const spec of specs) supervise(spec.name);
  }

  try {
    // launchDistributed reads this line to drop what it made.
    say(
      `${CREATING_DATABASES} ${[plan.identity, ...plan.modules].map((entry) => entry.database).join(', ')} (if missing)...`,
    );
    await provisionDatabases(
      settings.DATABASE_URL,
      [plan.identity, ...plan.modules],
      settings.DISTRIBUTED_DB_PASSWORD,
    );
  } catch (error) {
    process.stderr.write(
      `cannot prepare the databases on ${redacted(settings.DATABASE_URL)}: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }

  say('starting the identity provider...');
  const identityLog = join(logDir, 'identity.log');
  const logged = existsSync(identityLog) ? statSync(identityLog).size : 0;
  const identityUrl = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${plan.identity.httpPort}`;
  await startAll(moduleNames, [
    {
      name: 'identity',
      args: [options.entry, 'identity'],
      env: { ...process.env, ...plan.identityEnv() },
      readiness: `${identityUrl}/readiness`,
    },
  ]);
  // The first start of its database makes an operator and prints the credentials once, in its log.
  const credentials = readFileSync(identityLog)
    .subarray(logged)
    .toString('utf8')
    .split('\n')
    .find((line) => line.startsWith("The operator's credentials"));
  if (credentials) say(credentials);

  const streams = [
    ...new Set(plan.applications.map(({ application }) => streamNameOf(application, settings))),
  ];
  say(
    `starting ${plan.modules.length} module processes (NATS ${settings.NATS_URL}, ${streams.length === 1 ? 'stream' : 'streams'} ${streams.join(', ')})...`,
  );
  await startAll(
    moduleNames,
    plan.modules.map((entry) => ({
      name: entry.module,
      args: [options.entry, 'start'],
      env: { ...process.env, ...plan.moduleEnv(entry) },
      readiness: `${plan.httpUrl(entry.module)}/readiness`,
    })),
  );

  say(
    companions.length > 0
      ? `starting the gateway and ${companions.map((c) => c.name).join(', ')}...`
      : 'starting the gateway...',
  );
  const { gatewayUrl } = plan;
  await startAll(edgeNames, [
    {
      name: 'gateway',
      args: [options.entry, 'gateway'],
      env: { ...process.env, ...plan.gatewayEnv() },
      readiness: `${gatewayUrl}/readiness`,
    },
    ...companions.map((companion) => ({
      name: companion.name,
      args: [options.entry, 'companion', companion.name],
      env: { ...process.env, ...plan.companionEnv(companion.beside) },
    })),
  ]);

  const pid = (name: string) => String(supervised.get(name)?.child.process.pid ?? '-');
  const log = (name: string) => supervised.get(name)?.child.log ?? '';
  const rows = [
    ['process', 'HTTP', 'RPC', 'pid', 'log'],
    ['gateway', gatewayUrl, '-', pid('gateway'), log('gateway')],
    ['identity', identityUrl, '-', pid('identity'), log('identity')],
    ...plan.modules.map((entry) => [
      entry.module,
      plan.httpUrl(entry.module),
      plan.rpcUrl(entry.module),
      pid(entry.module),
      log(entry.module),
    ]),
    ...companions.map((companion) => [
      companion.name,
      '-',
      `-> ${plan.rpcUrl(companion.beside)}`,
      pid(companion.name),
      log(companion.name),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  say('');
  for (const row of rows)
    say(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd());
  say('');
  for (const { application, modules } of plan.applications) {
    const which = modules.length === application.modules.length ? '' : ` (${modules.join(', ')})`;
    say(
      `${application.title}${which} (distributed) is running at ${gatewayUrl}${application.pathPrefix} (API docs at ${gatewayUrl}/docs)`,
    );
  }
  say(LAUNCHED);
}

/**
 * Ports free now, for processes that bind them seconds later. Taken below the kernel's ephemeral range
 * (Linux's default starts at 32768), where port 0 and every outgoing connection's own port come from: one of
 * those could otherwise take a port in between (a database connection of another process, say).
 */
async function freePorts(host: string, count: number): Promise<number[]> {
  const found = new Set<number>();
  for (let tries = 0; found.size < count && tries < count * 50; tries++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_768);
    if (!found.has(candidate) && (await takenPorts(host, [candidate])).length === 0) found.add(candidate);
  }
  if (found.size < count) throw new Error(`no ${count} free ports found on ${host} between 20000 and 32767`);
  return [...found];
}

async function takenPorts(host: string, candidates: readonly number[]): Promise<number[]> {
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
