import { type Companion, defineApplication, launcherSettings, planTopology } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { emptyModule } from './support/modules.js';

// Two made-up applications, as a repository has them: one at the root with an RPC provider and a companion, one
// under its prefix whose name has a '-'.
const ticker: Companion = { name: 'ticker', beside: 'orders', start: async () => undefined };
const shop = defineApplication({
  name: 'shop',
  title: 'Shop',
  description: 'Catalog and orders',
  version: '1.0.0',
  pathPrefix: '',
  modules: [emptyModule('catalog'), emptyModule('orders')],
  rpcProviders: ['catalog'],
  companions: [ticker],
});
const bank = defineApplication({
  name: 'trade-bank',
  title: 'Trade bank',
  description: 'Loans and their approvals',
  version: '1.0.0',
  modules: [emptyModule('loans'), emptyModule('approvals')],
  rpcProviders: ['approvals'],
});
const SECRET = 'a-service-secret-of-this-launch';
const PORTS = {
  http: [8101, 8102, 8103, 8104],
  rpc: [9101, 9102, 9103, 9104],
  gateway: 8080,
  identity: 8105,
};

describe('the launcher plan for several applications', () => {
  const plan = planTopology(
    [shop, bank],
    launcherSettings({}),
    ['catalog', 'orders', 'loans', 'approvals'],
    PORTS,
    SECRET,
  );
  const process = (module: string) => plan.modules.find((entry) => entry.module === module)!;

  it("runs each module as its own application: its databases, stream and RPC providers, never the other's", () => {
    expect(plan.modules.map(({ module, database }) => [module, database])).toEqual([
      ['catalog', 'shop_catalog'],
      ['orders', 'shop_orders'],
      ['loans', 'trade_bank_loans'],
      ['approvals', 'trade_bank_approvals'],
    ]);
    expect(plan.moduleEnv(process('orders'))).toMatchObject({
      APPS: 'shop',
      MODULES: 'orders',
      NATS_STREAM: 'shop',
      RPC_SERVICES: 'catalog=http://127.0.0.1:9101',
    });
    expect(plan.moduleEnv(process('loans'))).toMatchObject({
      APPS: 'trade-bank',
      MODULES: 'loans',
      DATABASE_URL: 'postgres://trade_bank_loans@127.0.0.1:5432/trade_bank_loans',
      NATS_STREAM: 'trade-bank',
      RPC_SERVICES: 'approvals=http://127.0.0.1:9104',
    });
    expect(plan.companionEnv('orders')).toMatchObject({
      APPS: 'shop',
      COMPANION_RPC_URL: 'http://127.0.0.1:9102',
    });
  });

  it("tells each module process where its own application's modules answer HTTP (HTTP_SERVICES)", () => {
    expect(plan.moduleEnv(process('orders')).HTTP_SERVICES).toBe(
      'catalog=http://127.0.0.1:8101,orders=http://127.0.0.1:8102',
    );
    expect(plan.moduleEnv(process('loans')).HTTP_SERVICES).toBe(
      'loans=http://127.0.0.1:8103,approvals=http://127.0.0.1:8104',
    );
  });

  it('puts every application behind one gateway, each under its prefix, with one identity provider for all', () => {
    expect(plan.gatewayUrl).toBe('http://127.0.0.1:8080');
    expect(plan.gatewayEnv()).toMatchObject({
      PORT: '8080',
      APPS: 'shop,trade-bank',
      HTTP_SERVICES:
        'catalog=http://127.0.0.1:8101,orders=http://127.0.0.1:8102,loans=http://127.0.0.1:8103,' +
        'approvals=http://127.0.0.1:8104,identity=http://127.0.0.1:8105',
    });
    expect(plan.identity).toMatchObject({ database: 'tessera_identity', httpPort: 8105 });
    // Every process checks tokens against the one provider's keys, and names the one gateway as the issuer.
    for (const entry of plan.modules) {
      expect(plan.moduleEnv(entry)).toMatchObject({
        AUTH_ISSUER: 'http://127.0.0.1:8080',
        AUTH_JWKS_URL: 'http://127.0.0.1:8105/.well-known/jwks.json',
        AUTH_CLIENT_SECRET: SECRET,
      });
    }
    expect(plan.applications.map(({ application, modules }) => [application.name, modules])).toEqual([
      ['shop', ['catalog', 'orders']],
      ['trade-bank', ['loans', 'approvals']],
    ]);
  });

  it("keeps the identity provider's database the system's whichever applications a launch runs", () => {
    const onlyBank = planTopology([shop, bank], launcherSettings({}), ['loans'], PORTS, SECRET);
    expect(onlyBank.identity.database).toBe('tessera_identity');
    expect(onlyBank.gatewayEnv()).toMatchObject({
      APPS: 'trade-bank',
      HTTP_SERVICES: 'loans=http://127.0.0.1:8101,identity=http://127.0.0.1:8105',
    });
    expect(onlyBank.applications.map(({ application }) => application.name)).toEqual(['trade-bank']);
    // A repository of one application keeps its own name for it.
    expect(planTopology(bank, launcherSettings({}), ['loans'], PORTS, SECRET).identity.database).toBe(
      'trade_bank_identity',
    );
  });

  it('gives every application the one DISTRIBUTED_PREFIX and NATS_STREAM when they are set (tests, CI)', () => {
    const settings = launcherSettings({ DISTRIBUTED_PREFIX: 'ci_7', NATS_STREAM: 'ci7' });
    const isolated = planTopology([shop, bank], settings, ['catalog', 'loans'], PORTS, SECRET);
    expect([isolated.identity, ...isolated.modules].map((entry) => entry.database)).toEqual([
      'ci_7_identity',
      'ci_7_catalog',
      'ci_7_loans',
    ]);
    for (const entry of isolated.modules) {
      expect(isolated.moduleEnv(entry).NATS_STREAM).toBe('ci7');
    }
  });

  it('refuses a module no application has', () => {
    expect(() => planTopology([shop, bank], launcherSettings({}), ['vault'], PORTS, SECRET)).toThrow(
      'no application has the module vault',
    );
  });
});
