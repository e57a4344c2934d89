import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordToken } from '@tessera/platform/identity';
import { dropDatabases, type LaunchedTopology, launchDistributed } from '@tessera/platform/runtime';
import type { Answer, Method } from '@tessera/platform/testing';
import { deleteTestStream, testNatsUrl, testServerUrl, uniqueTestStream } from '@tessera/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { botIdOf } from '../../tools/robots/fleet.js';
import { mallbotsClient } from '../cosec/support.js';
import { ENTRY, repoRoot } from '../support/entry.js';

const prefix = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const stream = uniqueTestStream();
const logDir = join(tmpdir(), `mallbots-distributed-${prefix}`);
let topology: LaunchedTopology | undefined;

const OPERATOR = { username: 'distributed-operator', password: randomUUID() };
let operatorToken: (() => Promise<string>) | undefined;

/** A REST call through the gateway, as a kiosk makes it: as the operator unless a token is given. */
async function call(method: Method, path: string, body?: unknown, token?: string): Promise<Answer> {
  operatorToken ??= passwordToken({ tokenUrl: `${topology!.gatewayUrl}/oauth/token`, ...OPERATOR });
  const credentials = { authorization: `Bearer ${token ?? (await operatorToken())}` };
  const response = await fetch(`${topology!.gatewayUrl}${path}`, {
    method,
    ...(body === undefined
      ? { headers: credentials }
      : { headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
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
        OPERATOR_USERNAME: OPERATOR.username,
        OPERATOR_PASSWORD: OPERATOR.password,
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
      [...mallbots.modules.map(({ name }) => name), 'identity'].map((name) => `${prefix}_${name}`),
    );
    await deleteTestStream(stream);
    await rm(logDir, { recursive: true, force: true });
  }, 60_000);

  it('runs each module in a process of its own, with a database and role of its own', async () => {
    const { processes } = topology!;
    const names = mallbots.modules.map((module) => module.name);
    expect([...processes.keys()].sort()).toEqual([...names, 'gateway', 'identity', 'robots'].sort());
    expect(new Set([...processes.values()].map(({ pid }) => pid)).size).toBe(processes.size);
    const client = new pg.Client({ connectionString: testServerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string; owner: string }>(
        `SELECT d.datname, r.rolname AS owner FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
          WHERE d.datname LIKE $1 ORDER BY d.datname`,
        [`${prefix}\\_%`],
      );
      // The identity provider's process too.
      expect(rows.map(({ datname }) => datname)).toEqual(
        [...names, 'identity'].map((name) => `${prefix}_${name}`).sort(),
      );
      for (const { datname, owner } of rows) expect(owner).toBe(datname);
    } finally {
      await client.end();
    }
  });

  it("registers a customer with a login, whose token the modules' processes accept, for their own only", async () => {
    const gateway = topology!.gatewayUrl;
    const login = { username: `ann.${prefix}`, password: randomUUID() };
    const registered = await fetch(`${gateway}/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann', smsNumber: '+15550100', ...login }),
    });
    expect(registered.status, await registered.clone().text()).toBe(201);
    const { id } = (await registered.json()) as { id: string };
    // The provider's process issues it, with the gateway as issuer; Customers' process checks it on its JWKS.
    const discovery = (await (await fetch(`${gateway}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      token_endpoint: string;
    };
    expect(discovery.issuer).toBe(gateway);
    const token = await passwordToken({ tokenUrl: discovery.token_endpoint, ...login })();
    const own = await call('GET', `/api/customers/${id}`, undefined, token);
    expect(own.statusCode, own.body).toBe(200);
    const other = await call('GET', `/api/customers/${randomUUID()}`, undefined, token);
    expect(other.statusCode, other.body).toBe(403);
    const forbidden = await call('PUT', `/api/customers/${id}/disable`, undefined, token);
    expect(forbidden.statusCode, forbidden.body).toBe(403);
  });

  /** The order the checkout made (its basket's id). */
  let orderId: string | undefined;

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
    orderId = basketId;
    // The saga runs in the cosec process: its operators' route is that process's, under /admin/cosec.
    const saga = await call('GET', `/admin/cosec/sagas/cosec.CreateOrder/${basketId}`);
    expect(saga.statusCode, saga.body).toBe(200);
    const merged = await call('GET', '/openapi.json');
    expect(Object.keys(merged.json<{ paths: object }>().paths)).toEqual(
      expect.arrayContaining(['/api/baskets', '/api/stores', '/api/customers', '/admin/cosec/sagas']),
    );
  }, 60_000);

  it("shows the operators every process's routes, and an order's messages across the processes (ADR 0041)", async () => {
    interface Process {
      modules: string[];
      admin: string;
      available: boolean;
      applications: Array<{ name: string; admin: string; sagas: boolean; projections: boolean }>;
    }
    const answer = await call('GET', '/admin/topology');
    expect(answer.statusCode, answer.body).toBe(200);
    const { processes } = answer.json<{ processes: Process[] }>();
    expect(processes.map((p) => p.modules.join()).sort()).toEqual(mallbots.modules.map((m) => m.name).sort());
    for (const process of processes) {
      expect(process).toMatchObject({ available: true, admin: `/admin/${process.modules[0]}` });
    }
    const cosec = processes.find((p) => p.modules.includes('cosec'))!;
    expect(cosec.applications).toEqual([
      { name: 'mallbots', title: 'MallBots', admin: '/admin/cosec', sagas: true, projections: false },
    ]);
    expect(processes.find((p) => p.modules.includes('search'))!.applications[0]).toMatchObject({
      projections: true,
    });
    // Who may see it is each process's say: nobody, here.
    expect((await fetch(`${topology!.gatewayUrl}/admin/topology`)).status).toBe(401);

    // Every process is asked which conversations sent the order's key, then what it knows of each.
    type Sent = { id: string; type: string; source: string; correlationId: string; causationId?: string };
    type Handled = { messageId: string; group: string; outcome: string };
    const conversations = new Set<string>();
    for (const process of processes) {
      const found = await call('GET', `${process.admin}/messaging/conversations?key=${orderId}`);
      expect(found.statusCode, found.body).toBe(200);
      for (const c of found.json<{ conversations: Array<{ correlationId: string }> }>().conversations)
        conversations.add(c.correlationId);
    }
    const sent = new Map<string, Sent & { from: string }>();
    const handled: Array<Handled & { at: string }> = [];
    for (const correlationId of conversations) {
      for (const process of processes) {
        const flow = await call(
          'GET',
          `${process.admin}/messaging/flow?correlationId=${encodeURIComponent(correlationId)}`,
        );
        const { messages, handlings } = flow.json<{ flow: { messages: Sent[]; handlings: Handled[] } }>()
          .flow;
        for (const message of messages) sent.set(message.id, { ...message, from: process.modules[0]! });
        for (const handling of handlings) handled.push({ ...handling, at: process.modules[0]! });
      }
    }
    const byType = (type: string) => [...sent.values()].find((m) => m.type === type);
    const checkedOut = byType('basketsapi.BasketCheckedOut')!;
    const created = byType('ordersapi.OrderCreated')!;
    const authorize = byType('customersapi.AuthorizeCustomer')!;
    // Each message is in the database of the process that sent it, its handling in the handler's.
    expect(checkedOut.from).toBe('baskets');
    expect(created).toMatchObject({ from: 'ordering', causationId: checkedOut.id });
    expect(authorize).toMatchObject({ from: 'cosec', causationId: created.id });
    expect(handled).toContainEqual(
      expect.objectContaining({ messageId: authorize.id, group: 'customers-commands', at: 'customers' }),
    );
    const reply = [...sent.values()].find((m) => m.causationId === authorize.id)!;
    expect(reply).toMatchObject({ type: 'reply.Success', from: 'customers' });
    expect(byType('ordersapi.OrderApproved')).toMatchObject({ from: 'ordering' });
    // One conversation from the checkout to the approval, whichever process sent each part.
    const checkout = [checkedOut, created, authorize, reply, byType('ordersapi.OrderApproved')!];
    expect(new Set(checkout.map((m) => m.correlationId)).size).toBe(1);
  }, 60_000);

  it('runs the robots companion in a process of its own, its robot connected with a credential of its own', async () => {
    const id = botIdOf('bot-1');
    const deadline = Date.now() + 60_000;
    let bot: Answer | undefined;
    // The companion starts with the gateway, and its robot connects once it has made its credential.
    while (Date.now() < deadline) {
      bot = await call('GET', `/api/depot/bots/${id}`);
      if (bot.statusCode === 200 && bot.json<{ bot: { status: string } }>().bot.status !== 'offline') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(bot?.statusCode, bot?.body).toBe(200);
    expect(bot!.json<{ bot: { name: string; status: string } }>().bot).toMatchObject({ name: 'bot-1' });
    expect(bot!.json<{ bot: { status: string } }>().bot.status).not.toBe('offline');
    const client = await call('GET', `/identity/clients/${id}`);
    expect(client.json()).toEqual({ clientId: id, roles: ['robot'] });
  }, 90_000);

  it('stops every process on SIGINT, and exits 0', async () => {
    const pids = [...topology!.processes.values()].map(({ pid }) => pid);
    expect(pids.every(alive)).toBe(true);
    const code = await topology!.stop();
    expect(code, topology!.output()).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(topology!.output()).toContain('all stopped');
  }, 60_000);
});
