import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Module } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { selectModules } from '../../src/config.js';
import { parseServiceAddresses } from '../../src/gateway/contract/service-addresses.js';
import { launcherSettings, MODULE_NAMES, planTopology, portsFrom } from '../../src/launcher/plan.js';
import { mallbotsModules } from '../../src/modules.js';

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
  const all = names(mallbotsModules);

  it('runs every module when unset, empty or "all" (the monolith)', () => {
    // The launcher starts a process for each, without loading their code.
    expect(all).toEqual([...MODULE_NAMES]);
    for (const value of [undefined, '', '  ', 'all'])
      expect(names(selectModules(mallbotsModules, value))).toEqual(all);
  });

  it('runs only the named ones, in start order whatever order they are listed in', () => {
    expect(names(selectModules(mallbotsModules, 'depot'))).toEqual(['depot']);
    expect(names(selectModules(mallbotsModules, ' search, stores ,depot'))).toEqual([
      'stores',
      'depot',
      'search',
    ]);
  });

  it('refuses an unknown name, naming it and the known ones', () => {
    const problems = problemsOf(() => selectModules(mallbotsModules, 'stores,basket,,warehouse'));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('MODULES names an unknown module "basket"');
    expect(problems[0]).toContain('known: stores, customers');
    expect(problems[1]).toContain('""');
    expect(problems[2]).toContain('"warehouse"');
  });
});

describe('a MallBots process with a bad MODULES', () => {
  it('stops before it opens anything, naming the module', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/mallbots/src/main.ts'], {
      cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
      env: { ...process.env, MODULES: 'depot,warehouse', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 55_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MODULES names an unknown module "warehouse"');
  }, 60_000);
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
    const plan = planTopology(settings, ['stores', 'customers', 'depot', 'search'], {
      http: portsFrom(8101, 4),
      rpc: portsFrom(9101, 4),
      gateway: 8080,
    });
    const search = plan.modules[3]!;
    expect(search).toEqual({
      module: 'search',
      database: 'ci_1_search',
      databaseUrl: 'postgres://ci_1_search@db.local:5433/ci_1_search',
      httpPort: 8104,
      rpcPort: 9104,
    });
    expect(plan.moduleEnv(search)).toMatchObject({
      MODULES: 'search',
      DATABASE_URL: 'postgres://ci_1_search@db.local:5433/ci_1_search',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM: 'ci',
      PORT: '8104',
      RPC_PORT: '9104',
      ROBOTS: '0',
      RPC_SERVICES:
        'stores=http://127.0.0.1:9101,customers=http://127.0.0.1:9102,depot=http://127.0.0.1:9103',
    });
    expect(plan.gatewayEnv()).toMatchObject({
      PORT: '8080',
      HTTP_SERVICES:
        'stores=http://127.0.0.1:8101,customers=http://127.0.0.1:8102,depot=http://127.0.0.1:8103,search=http://127.0.0.1:8104',
    });
  });

  it('uses a password for the module roles only when one is given', () => {
    const settings = launcherSettings({ DISTRIBUTED_DB_PASSWORD: 'p@ss' });
    const [stores] = planTopology(settings, ['stores'], { http: [1], rpc: [2], gateway: 3 }).modules;
    expect(stores!.databaseUrl).toBe('postgres://mallbots_stores:p%40ss@127.0.0.1:5432/mallbots_stores');
  });

  it('refuses bad settings, naming each variable', () => {
    const problems = problemsOf(() =>
      launcherSettings({ DISTRIBUTED_PREFIX: 'Bad-Prefix', HTTP_PORT_BASE: 'x', NATS_URL: 'http://nats' }),
    );
    expect(problems.map((problem) => problem.split(' ')[0]).sort()).toEqual([
      'DISTRIBUTED_PREFIX',
      'HTTP_PORT_BASE',
      'NATS_URL',
    ]);
  });
});
