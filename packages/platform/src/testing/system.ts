import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { Application } from '../runtime/application.js';
import { launchDistributed } from '../runtime/launcher/child.js';
import { dropDatabases } from '../runtime/launcher/databases.js';
import { onServer, testServerUrl } from './databases.js';
import { deleteTestStream, testNatsUrl, uniqueTestStream } from './nats.js';
import { freePort } from './processes.js';

/**
 * Where an application's executable specifications run: the embedded default (PGlite, the embedded broker),
 * PostgreSQL + NATS JetStream in one process, or the distributed topology (one process per module behind the
 * gateway, on PostgreSQL + NATS).
 */
export type SystemProfile = 'embedded' | 'nats' | 'distributed';

export const SYSTEM_PROFILES: readonly SystemProfile[] = ['embedded', 'nats', 'distributed'];

/** What a person logs in with (the password grant). */
export interface Login {
  readonly username: string;
  readonly password: string;
}

export interface StartSystemOptions {
  readonly application: Application;
  readonly profile: SystemProfile;
  /** The repository's entry script (`start`, `launch`), and the folder it runs in. */
  readonly entry: string;
  readonly cwd: string;
  /** The application's own settings, for every process of it (e.g. a simulator turned off). */
  readonly env?: NodeJS.ProcessEnv;
  /** Node's options before the entry: run from source (`--import tsx`) unless given. */
  readonly node?: readonly string[];
}

export interface RunningSystem {
  readonly profile: SystemProfile;
  /** Where its clients call it: the one process, or the gateway. */
  readonly baseUrl: string;
  /** The operator this run made (OPERATOR_USERNAME, OPERATOR_PASSWORD): every route admits them. */
  readonly operator: Login;
  /**
   * Where a module's operators' routes are: `<prefix>/admin` in one process, `<prefix>/admin/<module>` behind the
   * gateway, the prefix being the application's; the platform's own (`platform`: messaging) have no prefix.
   */
  adminPath(module: string, of?: 'module' | 'platform'): string;
  /** Where a module answers Connect RPC: the one process's RPC port, or its own process's. */
  rpcUrl(module: string): string;
  /** Stops it and drops what the run made (its data folder or databases, its stream). */
  stop(): Promise<void>;
}

const READY_WITHIN_MS = 60_000;
const DISTRIBUTED_READY_WITHIN_MS = 170_000;
/**
 * Every scenario calls from this one address, polling as fast as its steps wait: the limiter stays on as
 * deployed, with a budget the run never spends.
 */
const UNREACHED_RATE_LIMIT = '1000000000';

/** A run's own operator, given as a deployment would give it: by environment, never committed. */
const runOperator = (): Login => ({ username: 'features-operator', password: crypto.randomUUID() });

/**
 * A name no other run has: the run's databases and folders are its own. Short, because the launcher puts each
 * module's name after it and PostgreSQL cuts names at 63 bytes.
 */
const runName = (application: Application) =>
  `features_${application.name.replaceAll('-', '_').slice(0, 16)}_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;

/**
 * Starts an application as it is deployed, and only that application (`APPS`): `<entry> start` in a process
 * of its own on a fresh PGlite folder (`embedded`) or a fresh PostgreSQL database and NATS stream (`nats`), or
 * `<entry> launch` on databases, roles and a stream of the run's own (`distributed`). Resolves once it answers
 * ready; a start that fails cleans up and rejects with the process's output.
 */
export function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  return options.profile === 'distributed' ? startDistributed(options) : startOneProcess(options);
}

/** The infrastructure of one run: a fresh store (and stream) that nothing else uses, and how to drop it. */
async function freshInfrastructure(
  application: Application,
  profile: Exclude<SystemProfile, 'distributed'>,
): Promise<{ env: NodeJS.ProcessEnv; drop(): Promise<void> }> {
  if (profile === 'embedded') {
    const dataDir = await mkdtemp(join(tmpdir(), `${application.name}-features-`));
    // Blank, not unset: neither the caller's environment nor a .env file may switch this run to a server.
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const database = runName(application);
  await onServer(testServerUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(testServerUrl);
  url.pathname = `/${database}`;
  const stream = uniqueTestStream();
  return {
    env: { DATABASE_URL: url.toString(), NATS_URL: testNatsUrl, NATS_STREAM: stream },
    async drop() {
      await onServer(testServerUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      );
      await deleteTestStream(stream);
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

async function startOneProcess(options: StartSystemOptions): Promise<RunningSystem> {
  const { application, profile } = options;
  if (profile === 'distributed') throw new Error('the distributed topology is not one process');
  const infrastructure = await freshInfrastructure(application, profile);
  const [port, rpcPort] = [await freePort(), await freePort()];
  const operator = runOperator();
  const child = spawn(process.execPath, [...(options.node ?? ['--import', 'tsx']), options.entry, 'start'], {
    cwd: options.cwd,
    env: {
      ...process.env,
      // MODULES blank too: every module of the application, whatever the caller's environment says.
      MODULES: '',
      ...infrastructure.env,
      APPS: application.name,
      OPERATOR_USERNAME: operator.username,
      OPERATOR_PASSWORD: operator.password,
      PORT: String(port),
      RPC_PORT: String(rpcPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RATE_LIMIT_MAX: UNREACHED_RATE_LIMIT,
      RATE_LIMIT_CREDENTIALS: UNREACHED_RATE_LIMIT,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its logs (stdout, at LOG_LEVEL warn: warnings and errors only) and anything it prints on stderr.
  const outputs = [child.stdout, child.stderr].flatMap((stream) =>
    stream ? [stream.setEncoding('utf8')] : [],
  );
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
  };
  for (const stream of outputs) stream.on('data', collect);
  const baseUrl = `http://127.0.0.1:${port}`;
  let stopping = false;
  // Every step after it would fail with a bare "fetch failed": say once why.
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`${application.title} exited during the run (${code ?? signal})\n`);
  });
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    await infrastructure.drop();
  };
  try {
    await untilReady(application, baseUrl, child);
  } catch (error) {
    await stop();
    process.stderr.write(`${application.title} did not start (${profile}); its output:\n${output}\n`);
    throw error;
  }
  // Warnings and errors of the run stay visible next to the scenario that caused them.
  for (const stream of outputs) {
    stream.off('data', collect);
    stream.on('data', (chunk: string) => process.stderr.write(chunk));
  }
  return {
    profile,
    baseUrl,
    operator,
    adminPath: (_module, of = 'module') => `${of === 'module' ? application.pathPrefix : ''}/admin`,
    rpcUrl: () => `http://127.0.0.1:${rpcPort}`,
    stop,
  };
}

async function untilReady(application: Application, baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${application.title} exited before it was ready (${child.exitCode ?? child.signalCode})`,
      );
    const ready = await fetch(`${baseUrl}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${application.title} was not ready within ${READY_WITHIN_MS / 1000}s`);
}

/** As `npm run start:distributed` does, on databases, roles and a stream of the run's own, behind the gateway. */
async function startDistributed(options: StartSystemOptions): Promise<RunningSystem> {
  const { application } = options;
  const prefix = runName(application);
  const stream = uniqueTestStream();
  const logDir = await mkdtemp(join(tmpdir(), `${application.name}-features-distributed-`));
  const cleanUp = async () => {
    // Each module's database and role, and the identity provider's (as the launcher names them).
    const databases = [...application.modules.map((module) => module.name), 'identity'];
    await dropDatabases(
      testServerUrl,
      databases.map((name) => `${prefix}_${name}`),
    );
    await deleteTestStream(stream);
    await rm(logDir, { recursive: true, force: true });
  };
  const operator = runOperator();
  let topology: Awaited<ReturnType<typeof launchDistributed>>;
  try {
    topology = await launchDistributed({
      application,
      entry: options.entry,
      cwd: options.cwd,
      node: options.node ?? ['--import', 'tsx'],
      env: {
        MODULES: '',
        DATABASE_URL: testServerUrl,
        NATS_URL: testNatsUrl,
        NATS_STREAM: stream,
        DISTRIBUTED_PREFIX: prefix,
        OPERATOR_USERNAME: operator.username,
        OPERATOR_PASSWORD: operator.password,
        PORT: '0',
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_DIR: logDir,
        RATE_LIMIT_MAX: UNREACHED_RATE_LIMIT,
        RATE_LIMIT_CREDENTIALS: UNREACHED_RATE_LIMIT,
        // The launcher's own wait for its processes, shorter than this one's: it says which one is late.
        READY_TIMEOUT: String((DISTRIBUTED_READY_WITHIN_MS - 20_000) / 1000),
        ...options.env,
      },
      timeoutMs: DISTRIBUTED_READY_WITHIN_MS,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const { processes } = topology;
  return {
    profile: 'distributed',
    baseUrl: topology.gatewayUrl,
    operator,
    adminPath: (module, of = 'module') => `${of === 'module' ? application.pathPrefix : ''}/admin/${module}`,
    rpcUrl(module) {
      const rpc = processes.get(module)?.rpc;
      if (!rpc) throw new Error(`the launcher listed no RPC address for ${module}:\n${topology.output()}`);
      return rpc;
    },
    async stop() {
      const code = await topology.stop();
      await cleanUp();
      if (code !== 0) process.stderr.write(`the launcher exited ${code}:\n${topology.output()}\n`);
    },
  };
}

/** The last value seen, for the message of a wait that timed out: JSON when it can be, never a second error. */
function described(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return inspect(value, { depth: 2 });
  }
}

/**
 * Re-reads until `done` accepts the value: the modules react to each other's messages on their own time, and
 * polling the REST API is what a client does. Bounded, so that a flow that never happens fails with the last
 * value seen.
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}; last: ${described(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
