import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabases, type LaunchedTopology, launchDistributed } from '@tessera/platform/runtime';
import type { Answer, Method } from '@tessera/platform/testing';
import { deleteTestStream, testNatsUrl, testServerUrl, uniqueTestStream } from '@tessera/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { mallbotsClient } from '../cosec/support.js';
import { ENTRY, repoRoot } from '../support/entry.js';

const prefix = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const stream = uniqueTestStream();
const logDir = join(tmpdir(), `mallbots-distributed-${prefix}`);
let topology: LaunchedTopology | undefined;

/** A REST call through the gateway, as a kiosk makes it. */
async function call(method: Method, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${topology!.gatewayUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    statusCode: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
    json: <T>() => JSON.parse(text) as T,
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the distributed topology (npm run start:distributed)', () => {
  beforeAll(async () => {
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
        PORT: '0',
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
        ROBOTS: '1',
        LOG_LEVEL: 'warn',
        LOG_DIR: logDir,
        // Nine processes starting at once on two busy cores.
        READY_TIMEOUT: '150',
      },
      timeoutMs: 170_000,
    });
  }, 180_000);

  afterAll(async () => {
    await topology?.stop();
    // By name, not through the topology: a start that failed half-way leaves some behind too.
    await dropDatabases(
      testServerUrl,
      mallbots.modules.map(({ name }) => `${prefix}_${name}`),
    );
    await deleteTestStream(stream);
    await rm(logDir, { recursive: true, force: true });
  }, 60_000);

  it('runs each module in a process of its own, with a database and role of its own', async () => {
    const { processes } = topology!;
    const names = mallbots.modules.map((module) => module.name);
    expect([...processes.keys()].sort()).toEqual([...names, 'gateway', 'robots'].sort());
    expect(new Set([...processes.values()].map(({ pid }) => pid)).size).toBe(processes.size);
    const client = new pg.Client({ connectionString: testServerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string; owner: string }>(
        `SELECT d.datname, r.rolname AS owner FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
          WHERE d.datname LIKE $1 ORDER BY d.datname`,
        [`${prefix}\\_%`],
      );
      expect(rows.map(({ datname }) => datname)).toEqual(names.map((name) => `${prefix}_${name}`).sort());
      for (const { datname, owner } of rows) expect(owner).toBe(datname);
    } finally {
      await client.end();
    }
  });

  it('takes a checkout through the gateway to an approved order', async () => {
    const mall = mallbotsClient(call);
    const storeId = await mall.createStore('Distributed Goods', 'Level 2');
    const productId = await mall.addProduct(storeId, 'Split Pea', 250);
    const customerId = await mall.registerCustomer();
    const basketId = await mall.startBasket(customerId);
    await mall.addItem(basketId, productId, 2);
    const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
    await mall.checkout(basketId, paymentId);
    const order = await mall.settledOrder(basketId);
    expect(order.status, order.rejectionReason).toBe('approved');
    // The saga runs in the cosec process: its operators' route is that process's, under /admin/cosec.
    const saga = await call('GET', `/admin/cosec/sagas/cosec.CreateOrder/${basketId}`);
    expect(saga.statusCode, saga.body).toBe(200);
    const merged = await call('GET', '/openapi.json');
    expect(Object.keys(merged.json<{ paths: object }>().paths)).toEqual(
      expect.arrayContaining(['/api/baskets', '/api/stores', '/api/customers', '/admin/cosec/sagas']),
    );
  }, 60_000);

  it('stops every process on SIGINT, and exits 0', async () => {
    const pids = [...topology!.processes.values()].map(({ pid }) => pid);
    expect(pids.every(alive)).toBe(true);
    const code = await topology!.stop();
    expect(code, topology!.output()).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(topology!.output()).toContain('all stopped');
  }, 60_000);
});
