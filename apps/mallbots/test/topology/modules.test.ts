import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  launcherSettings,
  type Module,
  parseServiceAddresses,
  planTopology,
  portsFrom,
  selectModules,
} from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { entryCommand, repoRoot } from '../support/entry.js';

const names = (modules: readonly Module[]) => modules.map((module) => module.name);
const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('no ConfigError');
};

describe('MODULES chooses the modules a process runs', () => {
  const all = names(mallbots.modules);

  it('runs every module when unset, empty or "all" (the monolith)', () => {
    expect(all).toEqual([
      'stores',
      'customers',
      'payments',
      'depot',
      'baskets',
      'ordering',
      'cosec',
      'notifications',
      'search',
    ]);
    for (const value of [undefined, '', '  ', 'all'])
      expect(names(selectModules(mallbots.modules, value))).toEqual(all);
  });

  it('runs only the named ones, in start order whatever order they are listed in', () => {
    expect(names(selectModules(mallbots.modules, 'depot'))).toEqual(['depot']);
    expect(names(selectModules(mallbots.modules, ' search, stores ,depot'))).toEqual([
      'stores',
      'depot',
      'search',
    ]);
  });

  it('refuses an unknown name, naming it and the known ones', () => {
    const problems = problemsOf(() => selectModules(mallbots.modules, 'stores,basket,,warehouse'));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('MODULES names an unknown module "basket"');
    expect(problems[0]).toContain('known: stores, customers');
    expect(problems[1]).toContain('""');
    expect(problems[2]).toContain('"warehouse"');
  });
});

describe('a MallBots process with a bad MODULES', () => {
  it('stops before it opens anything, naming the module', () => {
    const [node, args] = entryCommand('start');
    const result = spawnSync(node, args, {
      cwd: repoRoot,
      env: { ...process.env, MODULES: 'depot,warehouse', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 55_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MODULES names an unknown module "warehouse"');
  }, 60_000);
});

describe('a port already taken', () => {
  /** Runs `npm start`'s entry on a fresh embedded database until it exits, with one of its ports taken. */
  async function startWithTaken(variable: 'PORT' | 'RPC_PORT') {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'mallbots-port-'));
    try {
      const [node, args] = entryCommand('start');
      const child = spawn(node, args, {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          NATS_URL: '',
          HOST: '127.0.0.1',
          PORT: '0',
          RPC_PORT: '0',
          [variable]: String(port),
          ROBOTS: '0',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      return { code, stderr, port };
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it.concurrent.each(['PORT', 'RPC_PORT'] as const)(
    '(%s) stops the start with one line naming the variable, no stack trace',
    async (variable) => {
      const { code, stderr, port } = await startWithTaken(variable);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `port ${port} is already in use: stop what listens there, or set ${variable} to another`,
      );
      expect(stderr).not.toContain('EADDRINUSE');
      expect(stderr).not.toMatch(/\n\s+at /);
    },
    90_000,
  );
});

describe('service addresses (HTTP_SERVICES, RPC_SERVICES)', () => {
  it('reads name=url pairs, without trailing slashes', () => {
    const addresses = parseServiceAddresses(
      'HTTP_SERVICES',
      'stores=http://127.0.0.1:8101/, customers = http://customers:8080',
    );
    expect(Object.fromEntries(addresses)).toEqual({
      stores: 'http://127.0.0.1:8101',
      customers: 'http://customers:8080',
    });
    expect(parseServiceAddresses('HTTP_SERVICES', undefined).size).toBe(0);
  });

  it('names each bad entry and the variable', () => {
    const problems = problemsOf(() =>
      parseServiceAddresses('RPC_SERVICES', 'stores=nats://x:1,customers,depot=http://a:1,depot=http://b:2'),
    );
    expect(problems).toEqual([
      'RPC_SERVICES gives stores a bad URL "nats://x:1" (expected http://host:port)',
      'RPC_SERVICES has a bad entry "customers" (expected name=http://host:port)',
      'RPC_SERVICES names depot twice',
    ]);
  });
});

describe('the launcher plan', () => {
  it('gives each module a database and role of its own, its ports, and every peer address', () => {
    const settings = launcherSettings({
      DATABASE_URL: 'postgres://postgres:secret@db.local:5433/postgres',
      DISTRIBUTED_PREFIX: 'ci_1',
      NATS_STREAM: 'ci',
    });
    const plan = planTopology(
      mallbots,
      settings,
      ['stores', 'customers', 'depot', 'search'],
      { http: portsFrom(8101, 4), rpc: portsFrom(9101, 4), gateway: 8080, identity: 8105 },
      'a-service-secret-of-this-launch',
    );
    const search = plan.modules[3]!;
    expect(search).toEqual({
      module: 'search',
      database: 'ci_1_search',
      databaseUrl: 'postgres://ci_1_search@db.local:5433/ci_1_search',
      httpPort: 8104,
      rpcPort: 9104,
    });
    expect(plan.moduleEnv(search)).toMatchObject({
      APPS: 'mallbots',
      MODULES: 'search',
      DATABASE_URL: 'postgres://ci_1_search@db.local:5433/ci_1_search',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM: 'ci',
      PORT: '8104',
      RPC_PORT: '9104',
      COMPANIONS: 'off',
      RPC_SERVICES:
        'stores=http://127.0.0.1:9101,customers=http://127.0.0.1:9102,depot=http://127.0.0.1:9103',
      // Tokens name the gateway and are checked against the identity process's keys.
      AUTH_ISSUER: 'http://127.0.0.1:8080',
      AUTH_JWKS_URL: 'http://127.0.0.1:8105/.well-known/jwks.json',
      AUTH_IDENTITY_URL: 'http://127.0.0.1:8105',
      AUTH_CLIENT_ID: 'services',
      AUTH_CLIENT_SECRET: 'a-service-secret-of-this-launch',
      // The gateway connects from this machine: its X-Forwarded-For is believed.
      TRUST_PROXY: 'loopback',
    });
    expect(plan.identity).toMatchObject({ database: 'ci_1_identity', httpPort: 8105 });
    expect(plan.identityEnv()).toMatchObject({
      DATABASE_URL: 'postgres://ci_1_identity@db.local:5433/ci_1_identity',
      PORT: '8105',
      AUTH_ISSUER: 'http://127.0.0.1:8080',
      AUTH_CLIENT_SECRET: 'a-service-secret-of-this-launch',
    });
    expect(plan.identityEnv()).not.toHaveProperty('AUTH_JWKS_URL');
    // A companion makes its robots' credentials at the identity process, as the system's service.
    expect(plan.companionEnv('depot')).toEqual({
      // Its name in a trace (ADR 0045).
      OTEL_SERVICE_NAME: 'mallbots.depot.companion',
      APPS: 'mallbots',
      COMPANION_HTTP_URL: 'http://127.0.0.1:8103',
      COMPANION_RPC_URL: 'http://127.0.0.1:9103',
      LOG_FORMAT: 'json',
      AUTH_ISSUER: 'http://127.0.0.1:8080',
      AUTH_IDENTITY_URL: 'http://127.0.0.1:8105',
      AUTH_CLIENT_ID: 'services',
      AUTH_CLIENT_SECRET: 'a-service-secret-of-this-launch',
    });
    expect(plan.gatewayEnv()).toMatchObject({
      PORT: '8080',
      HTTP_SERVICES:
        'stores=http://127.0.0.1:8101,customers=http://127.0.0.1:8102,depot=http://127.0.0.1:8103,search=http://127.0.0.1:8104,identity=http://127.0.0.1:8105',
    });
  });

  it('uses a password for the module roles only when one is given', () => {
    const settings = launcherSettings({ DISTRIBUTED_DB_PASSWORD: 'p@ss' });
    const [stores] = planTopology(
      mallbots,
      settings,
      ['stores'],
      { http: [1], rpc: [2], gateway: 3, identity: 4 },
      'a-service-secret-of-this-launch',
    ).modules;
    expect(stores!.databaseUrl).toBe('postgres://mallbots_stores:p%40ss@127.0.0.1:5432/mallbots_stores');
  });

  it("has the modules believe the gateway's X-Forwarded-For from where it connects: loopback, or HOST", () => {
    const trusted = (host: string) => {
      const settings = launcherSettings({ HOST: host });
      const plan = planTopology(
        mallbots,
        settings,
        ['stores'],
        { http: [1], rpc: [2], gateway: 3, identity: 4 },
        'a-service-secret-of-this-launch',
      );
      return plan.moduleEnv(plan.modules[0]!).TRUST_PROXY;
    };
    expect(trusted('127.0.0.1')).toBe('loopback');
    expect(trusted('0.0.0.0')).toBe('loopback');
    expect(trusted('192.168.1.20')).toBe('loopback,192.168.1.20');
    expect(trusted('localhost')).toBe('loopback');
  });

  it('refuses bad settings, naming each variable', () => {
    const problems = problemsOf(() =>
      launcherSettings({
        DISTRIBUTED_PREFIX: 'Bad-Prefix',
        HTTP_PORT_BASE: 'x',
        NATS_URL: 'http://nats',
      }),
    );
    expect(problems.map((problem) => problem.split(' ')[0]).sort()).toEqual([
      'DISTRIBUTED_PREFIX',
      'HTTP_PORT_BASE',
      'NATS_URL',
    ]);
  });
});
