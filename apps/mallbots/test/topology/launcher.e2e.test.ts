import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchDistributed } from '@tessera/platform/runtime';
import { deleteTestStream, testNatsUrl, testServerUrl, uniqueTestStream } from '@tessera/platform/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { ENTRY, entryCommand, repoRoot } from '../support/entry.js';

/** Runs the launcher to its end: its exit code and everything it wrote. */
function runLauncher(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const [node, args] = entryCommand('launch');
  const launcher = spawn(node, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  launcher.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  launcher.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve) => launcher.once('close', (code) => resolve({ code, output })));
}

async function databasesNamed(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_%'",
      [prefix],
    );
    return rows.map(({ datname }) => datname);
  } finally {
    await client.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the launcher refuses to start', () => {
  const prefix = () => `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;

  it('on bad settings, naming every bad variable', async () => {
    const { code, output } = await runLauncher({ MODULES: 'stores,warehouse', HTTP_PORT_BASE: 'x' });
    expect(code).toBe(2);
    expect(output).toContain('HTTP_PORT_BASE must be a whole number');
    expect(output).toContain('MODULES names an unknown module "warehouse"');
    expect(output).not.toContain('started');
  }, 60_000);

  it('when a port it needs is taken, naming it, before it makes or starts anything', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const name = prefix();
    try {
      const { code, output } = await runLauncher({
        DATABASE_URL: testServerUrl,
        DISTRIBUTED_PREFIX: name,
        PORT: String(port),
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
      });
      expect(code).toBe(1);
      expect(output).toContain(`ports already in use on 127.0.0.1: ${port}`);
      expect(output).not.toContain('started');
      expect(await databasesNamed(name)).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it('when NATS does not answer', async () => {
    const name = prefix();
    const { code, output } = await runLauncher({
      DATABASE_URL: testServerUrl,
      NATS_URL: 'nats://127.0.0.1:1',
      DISTRIBUTED_PREFIX: name,
      PORT: '0',
      HTTP_PORT_BASE: '0',
      RPC_PORT_BASE: '0',
    });
    expect(code).toBe(1);
    expect(output).toContain('cannot reach NATS at nats://127.0.0.1:1');
    expect(output).not.toContain('started');
    expect(await databasesNamed(name)).toEqual([]);
  }, 60_000);
});

/** Polls until `check` holds, failing with `what` at the deadline: a wait for an outcome, not a sleep. */
async function until(what: string, check: () => boolean | Promise<boolean>, withinMs = 60_000) {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the launcher supervises its processes', () => {
  it('restarts a module process that dies, says so, and the module answers again; killed itself, it takes every process with it', async () => {
    const prefix = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const stream = uniqueTestStream();
    const logDir = join(tmpdir(), `mallbots-launcher-${prefix}`);
    const topology = await launchDistributed({
      application: mallbots,
      entry: ENTRY,
      cwd: repoRoot,
      node: ['--import', 'tsx'],
      env: {
        MODULES: 'stores',
        DATABASE_URL: testServerUrl,
        NATS_URL: testNatsUrl,
        NATS_STREAM: stream,
        DISTRIBUTED_PREFIX: prefix,
        PORT: '0',
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
        ROBOTS: '2', // no depot here: no robots either
        LOG_LEVEL: 'warn',
        LOG_DIR: logDir,
        READY_TIMEOUT: '90',
      },
      timeoutMs: 100_000,
    });
    try {
      expect([...topology.processes.keys()].sort()).toEqual(['gateway', 'identity', 'stores']);
      expect((await databasesNamed(prefix)).sort()).toEqual([`${prefix}_identity`, `${prefix}_stores`]);
      const stores = await fetch(`${topology.gatewayUrl}/api/stores`);
      expect(stores.status).toBe(200);
      const {
        gateway,
        identity,
        stores: store,
      } = Object.fromEntries(topology.processes) as Record<string, { pid: number }>;

      process.kill(store!.pid, 'SIGKILL');
      await until('the restart', () => /restarted stores \(pid (\d+)\)/.test(topology.output()), 30_000);
      expect(topology.output()).toContain('stores exited unexpectedly (SIGKILL); restarting it in');
      const [, restartedPid] = /restarted stores \(pid (\d+)\)/.exec(topology.output())!;
      expect(Number(restartedPid)).not.toBe(store!.pid);
      await until(
        'stores answering through the gateway again',
        async () => (await fetch(`${topology.gatewayUrl}/api/stores`).catch(() => undefined))?.status === 200,
      );
      expect(alive(gateway!.pid)).toBe(true);

      // A launcher killed outright cannot stop its children: they see its pipe close and stop themselves.
      const launcherPid = topology.pid;
      process.kill(launcherPid, 'SIGKILL');
      await topology.exited;
      await until(
        'every process of the topology to end',
        () => !alive(gateway!.pid) && !alive(identity!.pid) && !alive(Number(restartedPid)),
        30_000,
      );
    } finally {
      await topology.stop();
      await topology.dropDatabases(testServerUrl);
      await deleteTestStream(stream);
      await rm(logDir, { recursive: true, force: true });
    }
    expect(await databasesNamed(prefix)).toEqual([]);
  }, 180_000);
});
