import { type Mix, pickActivity } from './activities.js';
import { restApi } from './api.js';
import { act, type ClientContext, type Mall, stockTheMall } from './clients.js';
import { checkInvariants, currentStatus, firstSeen, TERMINAL, type Violation } from './invariants.js';
import { type Random, seededRandom } from './random.js';
import { ActionStats, type ActionSummary, type LatencySummary, summarize } from './stats.js';
import { OrderTracker } from './tracker.js';

export interface BusyworkOptions {
  url: string;
  clients: number;
  durationMs: number;
  /** Each client's turn comes every `paceMs` plus up to 3/8 of it (the reference: 8 s + 0–3 s); 0: no think time. */
  paceMs: number;
  seed: number;
  mix: Mix;
  /** After the load: how long the orders get to end (ready ones are paid meanwhile). */
  drainMs: number;
  /** How often open orders are read. */
  pollMs: number;
  customerCancelShare: number;
  staffCancelShare: number;
  /** Called about once a second with the progress so far. */
  onProgress?: (progress: Progress) => void;
  /** Ends the load early (Ctrl-C): the drain and the checks still run. */
  signal?: AbortSignal;
  /** Who the clients act as (OPERATOR_USERNAME, OPERATOR_PASSWORD by default): every route admits an operator. */
  login?: { username: string; password: string };
}

/** The operator's login the system was started with, when the environment gives it. */
export const operatorFromEnv = (env: NodeJS.ProcessEnv = process.env) =>
  env.OPERATOR_USERNAME && env.OPERATOR_PASSWORD
    ? { username: env.OPERATOR_USERNAME, password: env.OPERATOR_PASSWORD }
    : undefined;

export const DEFAULTS = {
  url: 'http://127.0.0.1:8080',
  clients: 5,
  durationMs: 60_000,
  paceMs: 8_000,
  mix: 'reference' as Mix,
  drainMs: 60_000,
  pollMs: 100,
  customerCancelShare: 0.03,
  staffCancelShare: 0.05,
};

export interface Progress {
  phase: 'load' | 'drain';
  elapsedMs: number;
  actionsPerSecond: number;
  errors: number;
  orders: Record<string, number>;
}

export interface BusyworkReport {
  url: string;
  clients: number;
  seed: number;
  mix: Mix;
  paceMs: number;
  loadSeconds: number;
  drainSeconds: number;
  actions: ActionSummary[];
  totalActions: number;
  actionsPerSecond: number;
  errors: number;
  recentErrors: readonly string[];
  orders: { total: number; completed: number; rejected: number; canceled: number; open: number };
  /** The orders still open after the drain (at most 50), with their last status. */
  openOrders: Array<{ orderId: string; status: string }>;
  /** Orders checked out per second of load; orders completed per second from the load's start to the last completion. */
  checkoutsPerSecond: number;
  completedPerSecond: number;
  /** From checkout to the order first seen approved (or later), and first seen ready (or completed). */
  checkoutToApproved: LatencySummary;
  checkoutToReady: LatencySummary;
  violations: Violation[];
  drainTimedOut: boolean;
  ok: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Simulated customers, operators and staff on the public REST API, then the drain and the invariants. */
export async function runBusywork(
  input: Partial<BusyworkOptions> & { seed: number },
): Promise<BusyworkReport> {
  const options: BusyworkOptions = { ...DEFAULTS, ...input };
  const started = performance.now();
  const now = () => performance.now() - started;
  const stats = new ActionStats();
  const tracking = new ActionStats();
  const login = options.login ?? operatorFromEnv();
  const api = restApi(options.url, stats, { ...(login && { login }) });
  const tracker = new OrderTracker(restApi(options.url, tracking, { ...(login && { login }) }), now);
  const mall: Mall = { stores: new Map(), customers: [] };
  const load = new AbortController();
  let loadEnded = Number.POSITIVE_INFINITY;
  const endLoad = () => {
    loadEnded = Math.min(loadEnded, now());
    load.abort();
  };
  options.signal?.addEventListener('abort', endLoad, { once: true });
  const scale = options.paceMs / 8_000;
  const contextOf = (random: Random): ClientContext => ({
    api,
    mall,
    tracker,
    random,
    now,
    customerCancelShare: options.customerCancelShare,
    pause: (seconds) => sleep(seconds * 1000 * scale, load.signal),
  });

  await stockTheMall(contextOf(seededRandom(options.seed)));
  const loadStarted = now();
  const loadTimer = setTimeout(endLoad, options.durationMs);

  const client = async (index: number) => {
    const random = seededRandom(options.seed + index + 1);
    const context = contextOf(random);
    await sleep(random() * options.paceMs, load.signal);
    while (!load.signal.aborted) {
      await act(pickActivity(random, options.mix), context);
      await sleep(options.paceMs + random() * options.paceMs * (3 / 8), load.signal);
    }
  };

  // The depot's staff: pick up ready orders (pay the invoice), now and then cancel one instead.
  const handled = new Set<string>();
  let draining = false;
  const staffRandom = seededRandom(options.seed + 10_000);
  const staffTurn = async () => {
    const ready = tracker
      .open()
      .filter((order) => currentStatus(order) === 'ready' && !handled.has(order.orderId));
    for (const order of ready) {
      handled.add(order.orderId);
      try {
        if (!draining && staffRandom() < options.staffCancelShare) {
          await api.call('staffCancel', 'POST', `/api/ordering/${order.orderId}/staff-cancel`, {
            reason: 'the customer left without the order',
          });
        } else {
          // 404: Payments has not invoiced it yet; the staff come back to it.
          const paid = await api.call(
            'payInvoice',
            'PUT',
            `/api/payments/invoices/${order.orderId}/pay`,
            undefined,
            [204, 404],
          );
          if (paid.status === 204) order.payCalls++;
          else handled.delete(order.orderId);
        }
      } catch {
        handled.delete(order.orderId);
      }
    }
  };
  let background = true;
  const followAndServe = (async () => {
    while (background) {
      await tracker.poll();
      await staffTurn();
      await sleep(options.pollMs);
    }
  })();

  let lastActions = 0;
  let lastAt = now();
  const progressTimer = setInterval(() => {
    const at = now();
    options.onProgress?.({
      phase: load.signal.aborted ? 'drain' : 'load',
      elapsedMs: at,
      actionsPerSecond: ((stats.total - lastActions) * 1000) / Math.max(1, at - lastAt),
      errors: stats.errors,
      orders: tracker.byState(),
    });
    lastActions = stats.total;
    lastAt = at;
  }, 1_000);

  await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
  clearTimeout(loadTimer);
  endLoad();

  draining = true;
  const drainDeadline = loadEnded + options.drainMs;
  while (tracker.open().length > 0 && now() < drainDeadline) await sleep(options.pollMs);
  background = false;
  await followAndServe;
  clearInterval(progressTimer);
  const drainTimedOut = tracker.open().length > 0;
  await tracker.readAll();
  const drainEnded = now();

  const orders = [...tracker.orders.values()];
  const violations = checkInvariants(orders);
  const count = (status: string) => orders.filter((order) => currentStatus(order) === status).length;
  const openOrders = orders
    .filter((order) => !(TERMINAL as readonly string[]).includes(currentStatus(order) ?? ''))
    .map((order) => ({ orderId: order.orderId, status: currentStatus(order) ?? 'unseen' }));
  const loadSeconds = (loadEnded - loadStarted) / 1000;
  const since = (order: (typeof orders)[number], ...statuses: string[]) => {
    const at = statuses.map((status) => firstSeen(order, status)).find((seen) => seen !== undefined);
    return at === undefined ? undefined : at - order.checkedOutAt;
  };
  const latencies = (...statuses: string[]) =>
    summarize(
      orders.map((order) => since(order, ...statuses)).filter((ms): ms is number => ms !== undefined),
    );
  const actions = stats.summary();
  // Completed orders per second from the start of the load to the last completion: at saturation the
  // backlog drains at the system's pace, so this is its capacity whatever the step's length.
  const completedAt = orders
    .map((order) => firstSeen(order, 'completed'))
    .filter((at): at is number => at !== undefined);
  const lastCompletion = (Math.max(loadStarted, ...completedAt) - loadStarted) / 1000;
  return {
    url: options.url,
    clients: options.clients,
    seed: options.seed,
    mix: options.mix,
    paceMs: options.paceMs,
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    drainSeconds: Math.round((drainEnded - loadEnded) / 100) / 10,
    actions,
    totalActions: stats.total,
    actionsPerSecond: Math.round((stats.total / Math.max(loadSeconds, 0.001)) * 10) / 10,
    errors: stats.errors,
    recentErrors: stats.recentErrors(),
    orders: {
      total: orders.length,
      completed: count('completed'),
      rejected: count('rejected'),
      canceled: count('canceled'),
      open: openOrders.length,
    },
    openOrders: openOrders.slice(0, 50),
    checkoutsPerSecond:
      Math.round(
        (orders.filter((o) => o.checkedOutAt <= loadEnded).length / Math.max(loadSeconds, 0.001)) * 100,
      ) / 100,
    completedPerSecond: Math.round((completedAt.length / Math.max(lastCompletion, 0.001)) * 100) / 100,
    checkoutToApproved: latencies('approved', 'ready', 'completed'),
    checkoutToReady: latencies('ready', 'completed'),
    violations,
    drainTimedOut,
    ok: violations.length === 0 && !drainTimedOut,
  };
}
