import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordToken } from '@tessera/platform/identity';
import { openDatabase, type SqlClient } from '@tessera/platform/sql';
import {
  deleteTestStream,
  postgresTestDatabase,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { entryCommand, repoRoot } from './support/entry.js';

/**
 * The real thing: MallBots as `npm start` runs it, killed with SIGKILL while requests are in flight, then
 * started again on the same data. Whatever had committed must reach Baskets' caches once, and nothing else.
 */

interface Running {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** The operator every launch is given (and the first one makes): the test's calls act as them. */
const OPERATOR = { username: 'crash-operator', password: randomUUID() };
const logins = new Map<string, () => Promise<string>>();
/** The operator's bearer token at the process `url` belongs to (a restarted one logs in again). */
async function asOperator(url: string): Promise<Record<string, string>> {
  const origin = new URL(url).origin;
  const token = logins.get(origin) ?? passwordToken({ tokenUrl: `${origin}/oauth/token`, ...OPERATOR });
  logins.set(origin, token);
  return { authorization: `Bearer ${await token()}` };
}

/** What each launched process wrote, by its URL's origin: a failed request shows the server's side. */
const outputs = new Map<string, () => string>();

async function launch(env: Record<string, string>): Promise<Running> {
  const [node, args] = entryCommand('start');
  const child = spawn(node, args, {
    cwd: repoRoot,
    // No simulated robots: the lists must stay available for the checks below.
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ROBOTS: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      OPERATOR_USERNAME: OPERATOR.username,
      OPERATOR_PASSWORD: OPERATOR.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /MallBots is running at (http:\/\/\S+) /.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => reject(new Error(`MallBots exited (${code}) before it ran:\n${output}`)));
  });
  outputs.set(new URL(url).origin, () => output);
  return { process: child, url, exited };
}

async function post(url: string, body: unknown): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(await asOperator(url)), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) {
    const log = response.status >= 500 ? (outputs.get(new URL(url).origin)?.() ?? '').slice(-4_000) : '';
    throw new Error(
      `${url} answered ${response.status}: ${await response.text()}${log ? `\nserver log:\n${log}` : ''}`,
    );
  }
  return ((await response.json()) as { id: string }).id;
}

const addProduct = (url: string, storeId: string, n: number) =>
  post(`${url}/api/stores/${storeId}/products`, {
    name: `Product ${n}`,
    description: 'made to be counted',
    sku: `P-${n}`,
    price: 1 + n / 100,
  });

/** Re-asks until `check` holds: a black-box process gives no other signal. Bounded, as a safety net. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const setups = [
  { name: 'the embedded default (PGlite, embedded broker)', nats: false },
  { name: 'PostgreSQL and NATS JetStream', nats: true },
];

describe.each(setups)('MallBots killed mid-traffic and restarted, on $name', ({ nats }) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  /** The environment of a MallBots on fresh data, and a way to look at that data. */
  const freshData = async () => {
    const env: Record<string, string> = {};
    let inspect: () => Promise<SqlClient>;
    if (nats) {
      const opened = await postgresTestDatabase.open();
      const stream = uniqueTestStream();
      Object.assign(env, {
        DATABASE_URL: opened.url ?? '',
        NATS_URL: testNatsUrl,
        NATS_STREAM: stream,
        NATS_ACK_WAIT: '2s',
      });
      cleanups.push(
        () => opened.close(),
        () => deleteTestStream(stream),
      );
      inspect = async () => opened.db;
    } else {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'mallbots-crash-')), 'data');
      Object.assign(env, { DATA_DIR: dataDir });
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      inspect = () => openDatabase({ dataDir });
    }
    return { env, inspect };
  };

  /** PGlite belongs to one process: wait until nothing is pending, stop it, then look. */
  const settleAndStop = async (running: Running) => {
    await eventually(async () => {
      const lag = (await (
        await fetch(`${running.url}/admin/messaging/lag`, { headers: await asOperator(running.url) })
      ).json()) as {
        groups: Array<{ pending: number }>;
      };
      return lag.groups.length > 0 && lag.groups.every((group) => group.pending === 0);
    }, 'no delivery is pending');
    running.process.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  };

  it('loses and duplicates nothing: every committed product reaches the baskets cache once', async () => {
    const { env, inspect } = await freshData();
    const first = await launch(env);
    cleanups.push(async () => void first.process.kill('SIGKILL'));
    const storeId = await post(`${first.url}/api/stores`, { name: 'Crash Test Store', location: 'B1' });
    // Four clients add products until the process dies under them.
    let n = 0;
    let answered = 0;
    const clients = Array.from({ length: 4 }, async () => {
      for (;;) {
        try {
          await addProduct(first.url, storeId, n++);
          answered++;
        } catch {
          return; // the process is gone: this request's outcome is unknown, as a client's would be
        }
        if (answered === 25) first.process.kill('SIGKILL');
      }
    });
    await Promise.all(clients);
    expect(await first.exited).toBeNull(); // killed, not exited

    const second = await launch(env);
    cleanups.push(async () => void second.process.kill('SIGKILL'));
    for (let i = 0; i < 5; i++) await addProduct(second.url, storeId, n++);

    const counts = async (db: SqlClient) => {
      const inbox = nats ? 'messaging.inbox' : 'broker.inbox';
      const { rows } = await db.query<{ catalog: number; added: number; cached: number; handled: number }>(
        `SELECT (SELECT count(*)::int FROM stores.products WHERE store_id = $1) AS catalog,
                (SELECT count(*)::int FROM stores.events WHERE event_type = 'stores.ProductAdded') AS added,
                (SELECT count(*)::int FROM baskets.products_cache c
                   JOIN stores.products p ON p.id = c.id AND p.name = c.name AND p.price_cents = c.price_cents
                  WHERE c.store_id = $1 AND c.exact) AS cached,
                (SELECT count(*)::int FROM ${inbox} WHERE group_name = 'baskets-products') AS handled`,
        [storeId],
      );
      return rows[0]!;
    };
    if (nats) {
      const db = await inspect();
      await eventually(async () => {
        const c = await counts(db);
        return c.cached === c.catalog;
      }, 'the cache holds the catalog');
    } else {
      await settleAndStop(second);
    }
    const db = await inspect();
    const c = await counts(db);
    if (!nats) await db.close();
    // Everything answered before the kill, and the five after, exist; whatever committed without an answer too.
    expect(c.catalog).toBeGreaterThanOrEqual(answered + 5);
    // One ProductAdded per product: nothing was duplicated by the restart.
    expect(c.added).toBe(c.catalog);
    // Each reached the cache, exactly as Stores has it, and was handled once.
    expect(c.cached).toBe(c.catalog);
    expect(c.handled).toBe(c.catalog);
  }, 180_000);
  it('takes every checkout killed mid-saga to one approved order, each step done once', async () => {
    const { env, inspect } = await freshData();
    const first = await launch(env);
    cleanups.push(async () => void first.process.kill('SIGKILL'));
    const storeId = await post(`${first.url}/api/stores`, { name: 'Saga Store', location: 'B2' });
    const put = async (url: string, body?: unknown) => {
      const credentials = await asOperator(url);
      const response = await fetch(url, {
        method: 'PUT',
        ...(body === undefined
          ? { headers: credentials }
          : { headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      if (response.status !== 204)
        throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    };
    await put(`${first.url}/api/stores/${storeId}/participating`);
    const productId = await addProduct(first.url, storeId, 1); // 1.01
    const customerId = await post(`${first.url}/api/customers`, { name: 'Kim', smsNumber: '+15550001111' });
    const checkout = async (url: string) => {
      const paymentId = await post(`${url}/api/payments`, { customerId, amountCents: 2 * 101 });
      const basketId = await post(`${url}/api/baskets`, { customerId });
      await put(`${url}/api/baskets/${basketId}/addItem`, { productId, quantity: 2 });
      await put(`${url}/api/baskets/${basketId}/checkout`, { paymentId });
    };
    // Three kiosks check out until the process dies under them, sagas in flight.
    let answered = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (;;) {
          try {
            await checkout(first.url);
          } catch {
            return;
          }
          if (++answered === 6) first.process.kill('SIGKILL');
        }
      }),
    );
    expect(await first.exited).toBeNull();

    const second = await launch(env);
    cleanups.push(async () => void second.process.kill('SIGKILL'));
    await checkout(second.url);
    const outcome = async (db: SqlClient) => {
      const { rows } = await db.query<{
        checkedOut: number;
        sagas: number;
        completed: number;
        approvals: number;
        approvedOrders: number;
        lists: number;
        listOrders: number;
        confirmed: number;
      }>(
        `SELECT (SELECT count(*)::int FROM baskets.events WHERE event_type = 'baskets.BasketCheckedOut') AS "checkedOut",
                (SELECT count(*)::int FROM sagas.instances) AS sagas,
                (SELECT count(*)::int FROM sagas.instances WHERE status = 'completed') AS completed,
                (SELECT count(*)::int FROM ordering.events WHERE event_type = 'ordering.OrderApproved') AS approvals,
                (SELECT count(DISTINCT stream_name)::int FROM ordering.events
                  WHERE event_type = 'ordering.OrderApproved') AS "approvedOrders",
                (SELECT count(*)::int FROM depot.shopping_lists WHERE status = 'available') AS lists,
                (SELECT count(DISTINCT order_id)::int FROM depot.shopping_lists) AS "listOrders",
                (SELECT count(*)::int FROM payments.payments WHERE confirmed) AS confirmed`,
      );
      return rows[0]!;
    };
    if (nats) {
      const db = await inspect();
      await eventually(async () => {
        const o = await outcome(db);
        return o.checkedOut > 0 && o.completed === o.checkedOut;
      }, 'every saga completed');
    } else {
      await eventually(async () => {
        const page = (await (
          await fetch(`${second.url}/admin/sagas?status=running`, { headers: await asOperator(second.url) })
        ).json()) as {
          instances: unknown[];
        };
        return page.instances.length === 0;
      }, 'no saga is running');
      await settleAndStop(second);
    }
    const db = await inspect();
    const o = await outcome(db);
    if (!nats) await db.close();
    // Every checkout answered before the kill, the one after, and any that committed unanswered.
    expect(o.checkedOut).toBeGreaterThanOrEqual(answered + 1);
    // One saga per order, each completed; one approval per order; one available list per order; each
    // payment confirmed: no step lost, none done twice.
    expect(o).toMatchObject({
      sagas: o.checkedOut,
      completed: o.checkedOut,
      approvals: o.checkedOut,
      approvedOrders: o.checkedOut,
      lists: o.checkedOut,
      listOrders: o.checkedOut,
      confirmed: o.checkedOut,
    });
  }, 180_000);
});
