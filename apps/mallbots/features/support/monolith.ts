import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchDistributed } from '@tessera/platform/runtime';
import {
  deleteTestStream,
  freePort,
  testNatsUrl,
  testServerUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import pg from 'pg';
import { mallbots } from '../../src/app.js';

/**
 * Where the specifications run: the embedded default, PostgreSQL + NATS JetStream, or the distributed topology
 * (one process per module behind the gateway, on PostgreSQL + NATS).
 */
export type Profile = 'embedded' | 'nats' | 'distributed';

/** What a person logs in with. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

export interface RunningMonolith {
  readonly baseUrl: string;
  /** The operator this run made (OPERATOR_USERNAME, OPERATOR_PASSWORD): every route admits them. */
  readonly operator: Login;
  /** The robots' Connect/gRPC endpoint. */
  readonly rpcUrl: string;
  /** Where a module's operators' routes are: /admin in one process, /admin/<module> behind the gateway. */
  adminPath(module: string): string;
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** The repository's one entry, run from source as the npm scripts do. */
const ENTRY = 'apps/main.ts';
const READY_WITHIN_MS = 60_000;
/**
 * Every scenario calls from this one address, polling as fast as its steps wait: the limiter stays on as
 * deployed, with a budget the run never spends.
 */
const UNREACHED_RATE_LIMIT = '1000000000';

/** A run's own operator, given as a deployment would give it: by environment, never committed. */
const runOperator = (): Login => ({
  username: 'features-operator',
  password: crypto.randomUUID(),
});

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The infrastructure of one run: a fresh store (and stream) that nothing else uses, and how to drop it. */
async function freshInfrastructure(
  profile: Exclude<Profile, 'distributed'>,
): Promise<{ env: NodeJS.ProcessEnv; drop(): Promise<void> }> {
  if (profile === 'embedded') {
    const dataDir = await mkdtemp(join(tmpdir(), 'mallbots-features-'));
    // Blank, not unset: neither the caller's environment nor a .env file may switch this run to a server.
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: '', NATS_URL: '' },
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const database = `features_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer((client) => client.query(`CREATE DATABASE ${database}`));
  const url = new URL(testServerUrl);
  url.pathname = `/${database}`;
  const stream = uniqueTestStream();
  return {
    env: { DATABASE_URL: url.toString(), NATS_URL: testNatsUrl, NATS_STREAM: stream },
    async drop() {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      await deleteTestStream(stream);
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/**
 * Starts MallBots as it is deployed (`npm start`: the entry in a process of its own), with the in-process robot
 * simulator off: the specifications play the robots through the robot API.
 */
export async function startMonolith(profile: Profile): Promise<RunningMonolith> {
  if (profile === 'distributed') return startDistributed();
  const infrastructure = await freshInfrastructure(profile);
  const [port, rpcPort] = [await freePort(), await freePort()];
  const operator = runOperator();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...infrastructure.env,
      OPERATOR_USERNAME: operator.username,
      OPERATOR_PASSWORD: operator.password,
      PORT: String(port),
      RPC_PORT: String(rpcPort),
      HOST: '127.0.0.1',
      ROBOTS: '0',
      // A robot that drops out gives its list back this soon (the scenario about it waits that long).
      DEPOT_BOT_TIMEOUT: '2s',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RATE_LIMIT_MAX: UNREACHED_RATE_LIMIT,
      RATE_LIMIT_CREDENTIALS: UNREACHED_RATE_LIMIT,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    await infrastructure.drop();
  };
  try {
    await untilReady(baseUrl, child);
  } catch (error) {
    await stop();
    process.stderr.write(`MallBots did not start (${profile}); its stderr:\n${stderr}\n`);
    throw error;
  }
  // Warnings and errors of the run stay visible next to the scenario that caused them.
  child.stderr?.on('data', (chunk: string) => process.stderr.write(chunk));
  return { baseUrl, operator, rpcUrl: `http://127.0.0.1:${rpcPort}`, adminPath: () => '/admin', stop };
}

async function untilReady(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`MallBots exited before it was ready (${child.exitCode ?? child.signalCode})`);
    const ready = await fetch(`${baseUrl}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`MallBots was not ready within ${READY_WITHIN_MS / 1000}s`);
}

/**
 * Starts MallBots as `npm run start:distributed` does, on databases, roles and a stream of this run's own:
 * the specifications then speak to the gateway, and play the robots against the depot's process.
 */
async function startDistributed(): Promise<RunningMonolith> {
  const prefix = `features_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const stream = uniqueTestStream();
  const logDir = await mkdtemp(join(tmpdir(), 'mallbots-features-distributed-'));
  const cleanUp = async () => {
    await dropDistributed(prefix);
    await deleteTestStream(stream);
    await rm(logDir, { recursive: true, force: true });
  };
  let topology: Awaited<ReturnType<typeof launchDistributed>>;
  const operator = runOperator();
  try {
    topology = await launchDistributed({
      application: mallbots,
      entry: ENTRY,
      cwd: repoRoot,
      node: ['--import', 'tsx'],
      env: {
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
        ROBOTS: '0',
        DEPOT_BOT_TIMEOUT: '2s',
        LOG_LEVEL: 'warn',
        LOG_DIR: logDir,
        RATE_LIMIT_MAX: UNREACHED_RATE_LIMIT,
        RATE_LIMIT_CREDENTIALS: UNREACHED_RATE_LIMIT,
        READY_TIMEOUT: '150',
      },
      timeoutMs: 170_000,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const depot = topology.processes.get('depot')?.rpc;
  if (!depot) throw new Error(`the launcher listed no RPC address for the depot:\n${topology.output()}`);
  return {
    baseUrl: topology.gatewayUrl,
    operator,
    rpcUrl: depot,
    adminPath: (module) => `/admin/${module}`,
    async stop() {
      const code = await topology.stop();
      await cleanUp();
      if (code !== 0) process.stderr.write(`the launcher exited ${code}:\n${topology.output()}\n`);
    },
  };
}

async function dropDistributed(prefix: string) {
  await onServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_%'",
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      await client.query(`DROP ROLE IF EXISTS "${datname}"`);
    }
  });
}
