/**
 * The business of the exactly-once properties (spec C.6), on real tables in the world's database. Handlers
 * run inside the handling's transaction (`db.query` joins it) and publish their outgoing messages through the
 * broker (the outbox) with ids derived from the incoming id (`causedBy`). A downstream group records what it
 * receives. `replay` is the oracle: the same business as a pure function, run serially, exactly once.
 */
import { randomUUID } from 'node:crypto';
import { causedBy, derivedId, type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { HandlerContext, World } from './harness.js';

export const SERVICE = 'service';
export const DOWNSTREAM = 'downstream';

export type Stage = 'afterState' | 'afterPublish' | 'afterGenerate';

/** Test hooks inside the handlers: throw to fail the attempt, await to pause it. */
export type Hook = (stage: Stage, message: Envelope, context: HandlerContext) => void | Promise<void>;

export async function createBusinessTables(world: World): Promise<void> {
  const t = (name: string) => world.table(name);
  await world.db.exec(`
CREATE TABLE ${t('orders')} (
  id                       text    PRIMARY KEY,
  payment_confirmed_count  integer NOT NULL DEFAULT 0,
  submitted                boolean NOT NULL DEFAULT false
);
CREATE TABLE ${t('customers')} (id text PRIMARY KEY, orders integer NOT NULL DEFAULT 0);
CREATE TABLE ${t('ranges')} (id text PRIMARY KEY, target integer NOT NULL);
-- One row per committed processing of an input, in commit order per aggregate (written after its lock).
CREATE TABLE ${t('commit_log')} (
  seq         bigserial PRIMARY KEY,
  message_id  text NOT NULL,
  type        text NOT NULL,
  aggregate   text NOT NULL
);
CREATE TABLE ${t('received')} (
  seq           bigserial PRIMARY KEY,
  group_name    text NOT NULL,
  id            text NOT NULL,
  causation_id  text,
  type          text NOT NULL,
  data          text NOT NULL
);
CREATE TABLE ${t('http_orders')} (id text PRIMARY KEY, customer_id text NOT NULL);
-- A failing commit on demand (EO-P04, EO-P22): a deferred check that only COMMIT evaluates.
CREATE TABLE ${t('commit_guard')} (
  id  text NOT NULL,
  CONSTRAINT commit_guard_unique UNIQUE (id) DEFERRABLE INITIALLY DEFERRED
);
-- Consistent document creation (EO-P14, EO-P15, EO-P16).
CREATE TABLE ${t('docs')} (
  id       text    PRIMARY KEY,
  x        integer NOT NULL,
  doc_url  text,
  version  integer NOT NULL DEFAULT 0
);
CREATE TABLE ${t('doc_history')} (seq bigserial PRIMARY KEY, id text NOT NULL, x integer NOT NULL, doc_url text);
CREATE TABLE ${t('side_effects')} (attempt text PRIMARY KEY, message_id text NOT NULL, url text NOT NULL);
CREATE TABLE ${t('blobs')} (url text PRIMARY KEY, y integer NOT NULL, attempt text NOT NULL);
`);
}

// ---------------------------------------------------------------------------------------------- messages

export const input = (world: World, type: string, key: string, data: object, id?: string): Envelope =>
  newEnvelope('eo', {
    type,
    subject: world.subject(`in.${type.split('.')[0]}`),
    key,
    data,
    ...(id ? { id } : {}),
  });

export const confirmPayment = (
  world: World,
  orderId: string,
  options: { id?: string; key?: string; fanOut?: number } = {},
) =>
  input(
    world,
    'payments.ConfirmPayment',
    options.key ?? orderId,
    { orderId, ...(options.fanOut ? { fanOut: options.fanOut } : {}) },
    options.id,
  );
export const placeOrder = (world: World, customerId: string, options: { id?: string; key?: string } = {}) =>
  input(world, 'customers.PlaceOrder', options.key ?? customerId, { customerId }, options.id);
export const submitOrder = (world: World, orderId: string, options: { id?: string } = {}) =>
  input(world, 'orders.SubmitOrder', orderId, { orderId }, options.id);
export const fireAt = (world: World, rangeId: string, attemptId: string, position: number, key?: string) =>
  input(world, 'range.FireAt', key ?? rangeId, { rangeId, attemptId, position });
export const moveTarget = (world: World, rangeId: string, position: number, key?: string) =>
  input(world, 'range.MoveTarget', key ?? rangeId, { rangeId, position });
export const updateData = (world: World, docId: string, x: number, key: string) =>
  input(world, 'docs.UpdateData', key, { docId, x });

/** An outgoing message of the handling of `cause`. */
const out = (world: World, cause: Envelope, index: number, type: string, key: string, data: object) =>
  causedBy(cause, 'eo', index, { type, subject: world.subject(`out.${type.split('.')[0]}`), key, data });

// ---------------------------------------------------------------------------------------------- handlers

export class ConcurrencyConflict extends Error {
  constructor(id: string) {
    super(`document ${id} changed meanwhile`);
    this.name = 'ConcurrencyConflict';
  }
}

/** The service: Payments, Customer, ShootingRange, state-based SubmitOrder, documents. */
export function serviceHandler(hook?: Hook) {
  return async (m: Envelope, context: HandlerContext): Promise<void> => {
    const { world, broker } = context;
    const db = world.db;
    const t = (name: string) => world.table(name);
    const log = (aggregate: string) =>
      db.query(`INSERT INTO ${t('commit_log')} (message_id, type, aggregate) VALUES ($1, $2, $3)`, [
        m.id,
        m.type,
        aggregate,
      ]);
    const data = m.data as Record<string, unknown>;
    switch (m.type) {
      case 'payments.ConfirmPayment': {
        // Deliberately not idempotent: a double application is observable.
        const orderId = data.orderId as string;
        await db.query(
          `INSERT INTO ${t('orders')} (id, payment_confirmed_count) VALUES ($1, 1)
           ON CONFLICT (id) DO UPDATE SET payment_confirmed_count = ${t('orders')}.payment_confirmed_count + 1`,
          [orderId],
        );
        await log(orderId);
        await hook?.('afterState', m, context);
        const fanOut = (data.fanOut as number | undefined) ?? 1;
        const outgoing = [out(world, m, 0, 'payments.PaymentConfirmed', orderId, { orderId })];
        for (let n = 1; n < fanOut; n++) {
          outgoing.push(out(world, m, n, 'payments.ReceiptRequested', orderId, { orderId, n }));
        }
        await broker.publish(outgoing);
        break;
      }
      case 'customers.PlaceOrder': {
        const customerId = data.customerId as string;
        const { rows } = await db.query<{ orders: number }>(
          `INSERT INTO ${t('customers')} (id, orders) VALUES ($1, 1)
           ON CONFLICT (id) DO UPDATE SET orders = ${t('customers')}.orders + 1 RETURNING orders`,
          [customerId],
        );
        await log(customerId);
        await hook?.('afterState', m, context);
        // From mutable state: only the first order earns a gift (EO-P05).
        if (rows[0]!.orders === 1) {
          await broker.publish([out(world, m, 0, 'customers.SendGift', customerId, { customerId })]);
        }
        break;
      }
      case 'range.FireAt': {
        const rangeId = data.rangeId as string;
        const { rows } = await db.query<{ target: number }>(
          `SELECT target FROM ${t('ranges')} WHERE id = $1 FOR UPDATE`,
          [rangeId],
        );
        await log(rangeId);
        await hook?.('afterState', m, context);
        const hit = rows[0]?.target === data.position;
        await broker.publish([
          out(world, m, 0, hit ? 'range.Hit' : 'range.Missed', rangeId, { attemptId: data.attemptId }),
        ]);
        break;
      }
      case 'range.MoveTarget': {
        const rangeId = data.rangeId as string;
        await db.query(
          `INSERT INTO ${t('ranges')} (id, target) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET target = excluded.target`,
          [rangeId, data.position],
        );
        await log(rangeId);
        await hook?.('afterState', m, context);
        break;
      }
      case 'orders.SubmitOrder': {
        // State-based: a once-only transition needs no message id (EO-P12).
        const orderId = data.orderId as string;
        const { rowCount } = await db.query(
          `INSERT INTO ${t('orders')} (id, submitted) VALUES ($1, true)
           ON CONFLICT (id) DO UPDATE SET submitted = true WHERE NOT ${t('orders')}.submitted`,
          [orderId],
        );
        await log(orderId);
        await hook?.('afterState', m, context);
        if (rowCount === 1) {
          await broker.publish([out(world, m, 0, 'orders.OrderSubmitted', orderId, { orderId })]);
        }
        break;
      }
      case 'docs.UpdateData':
        await updateDocument(m, context, hook);
        break;
      default:
        throw new Error(`no handler for ${m.type}`);
    }
    await hook?.('afterPublish', m, context);
  };
}

/**
 * Consistent document creation (spec C.4, C.5.4): the state is read with its version; the document is
 * generated under a name unique to the attempt, registered as a side effect (outside the transaction, so
 * that a failed attempt leaves its record for the cleanup) and uploaded; the reference commits with the
 * state only if the version is unchanged. PostgreSQL only (the side-effect writes need a second connection).
 */
async function updateDocument(m: Envelope, context: HandlerContext, hook?: Hook): Promise<void> {
  const { world, broker } = context;
  const { db } = world;
  const side = world.site.sideDb;
  if (!side) throw new Error('documents need a second connection (PostgreSQL)');
  const t = (name: string) => world.table(name);
  const { docId, x } = m.data as { docId: string; x: number };
  const { rows } = await db.query<{ version: number }>(`SELECT version FROM ${t('docs')} WHERE id = $1`, [
    docId,
  ]);
  const version = rows[0]?.version ?? 0;
  // GenerateDocument: y = x of the state being committed.
  const attempt = randomUUID();
  const url = `blob://docs/${docId}/${attempt}`;
  await side.query(`INSERT INTO ${t('side_effects')} (attempt, message_id, url) VALUES ($1, $2, $3)`, [
    attempt,
    m.id,
    url,
  ]);
  await side.query(`INSERT INTO ${t('blobs')} (url, y, attempt) VALUES ($1, $2, $3)`, [url, x, attempt]);
  await hook?.('afterGenerate', m, context);
  const updated =
    version === 0 && rows.length === 0
      ? await db.query(
          `INSERT INTO ${t('docs')} (id, x, doc_url, version) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING`,
          [docId, x, url],
        )
      : await db.query(
          `UPDATE ${t('docs')} SET x = $2, doc_url = $3, version = version + 1 WHERE id = $1 AND version = $4`,
          [docId, x, url, version],
        );
  if (updated.rowCount !== 1) throw new ConcurrencyConflict(docId);
  await db.query(`INSERT INTO ${t('doc_history')} (id, x, doc_url) VALUES ($1, $2, $3)`, [docId, x, url]);
  await db.query(`INSERT INTO ${t('commit_log')} (message_id, type, aggregate) VALUES ($1, $2, $3)`, [
    m.id,
    m.type,
    docId,
  ]);
  await broker.publish([out(world, m, 0, 'docs.DocumentGenerated', docId, { docId, url, attempt })]);
}

/** The downstream group: records every message it is given (its handler runs once per id: the inbox). */
export function downstreamHandler() {
  return async (m: Envelope, { world }: HandlerContext): Promise<void> => {
    await world.db.query(
      `INSERT INTO ${world.table('received')} (group_name, id, causation_id, type, data) VALUES ($1, $2, $3, $4, $5)`,
      [DOWNSTREAM, m.id, m.causationId ?? null, m.type, JSON.stringify(m.data)],
    );
  };
}

export interface ServiceOptions {
  readonly hook?: Hook;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly backoff?: (attempt: number) => number;
  /** Without the downstream group (default: with it). */
  readonly downstream?: boolean;
}

/** Tables, the service group on every input, and the downstream group on every output. */
export async function setUpBusiness(world: World, options: ServiceOptions = {}): Promise<void> {
  await createBusinessTables(world);
  await world.subscribe({
    group: SERVICE,
    subjects: [world.subject('in.>')],
    handle: serviceHandler(options.hook),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  if (options.downstream !== false) {
    await world.subscribe({
      group: DOWNSTREAM,
      subjects: [world.subject('out.>')],
      handle: downstreamHandler(),
    });
  }
}

// ---------------------------------------------------------------------------------------------- observing

export interface BusinessState {
  orders: Record<string, { paymentConfirmedCount: number; submitted: boolean }>;
  customers: Record<string, number>;
  ranges: Record<string, number>;
}

export async function readState(world: World): Promise<BusinessState> {
  const t = (name: string) => world.table(name);
  const orders = await world.db.query<{ id: string; payment_confirmed_count: number; submitted: boolean }>(
    `SELECT id, payment_confirmed_count, submitted FROM ${t('orders')} ORDER BY id`,
  );
  const customers = await world.db.query<{ id: string; orders: number }>(
    `SELECT id, orders FROM ${t('customers')} ORDER BY id`,
  );
  const ranges = await world.db.query<{ id: string; target: number }>(
    `SELECT id, target FROM ${t('ranges')} ORDER BY id`,
  );
  return {
    orders: Object.fromEntries(
      orders.rows.map((r) => [
        r.id,
        { paymentConfirmedCount: r.payment_confirmed_count, submitted: r.submitted },
      ]),
    ),
    customers: Object.fromEntries(customers.rows.map((r) => [r.id, r.orders])),
    ranges: Object.fromEntries(ranges.rows.map((r) => [r.id, r.target])),
  };
}

export interface LogicalMessage {
  id: string;
  causationId: string | undefined;
  type: string;
  data: unknown;
}

/** What the downstream group received, once per id (its inbox), in order. */
export async function received(world: World): Promise<LogicalMessage[]> {
  const { rows } = await world.db.query<{
    id: string;
    causation_id: string | null;
    type: string;
    data: string;
  }>(`SELECT id, causation_id, type, data FROM ${world.table('received')} ORDER BY seq`);
  return rows.map((r) => ({
    id: r.id,
    causationId: r.causation_id ?? undefined,
    type: r.type,
    data: JSON.parse(r.data) as unknown,
  }));
}

/** The committed processings of inputs, in commit order (per aggregate). */
export async function commitLog(
  world: World,
): Promise<Array<{ messageId: string; type: string; aggregate: string }>> {
  const { rows } = await world.db.query<{ message_id: string; type: string; aggregate: string }>(
    `SELECT message_id, type, aggregate FROM ${world.table('commit_log')} ORDER BY seq`,
  );
  return rows.map((r) => ({ messageId: r.message_id, type: r.type, aggregate: r.aggregate }));
}

/** The transport's copies grouped by id: every copy of one id must be identical ("published ≥1, identical"). */
export async function logicalTransport(
  world: World,
): Promise<Map<string, { copies: number; envelope: Envelope }>> {
  const byId = new Map<string, { copies: number; envelope: Envelope; bodies: Set<string> }>();
  for (const envelope of await world.transportLog()) {
    const body = JSON.stringify({
      type: envelope.type,
      data: envelope.data,
      causationId: envelope.causationId,
    });
    const seen = byId.get(envelope.id);
    if (seen) {
      seen.copies++;
      seen.bodies.add(body);
    } else byId.set(envelope.id, { copies: 1, envelope, bodies: new Set([body]) });
  }
  for (const [id, { bodies }] of byId) {
    if (bodies.size !== 1) throw new Error(`the copies of ${id} differ: ${[...bodies].join(' / ')}`);
  }
  return new Map([...byId].map(([id, { copies, envelope }]) => [id, { copies, envelope }]));
}

// ---------------------------------------------------------------------------------------------- oracle

/**
 * The serial exactly-once replay (spec C.7 oracle): each input applied once, in the given order, to a pure
 * model of the business. Outgoing ids are `derivedId(input id, index)`, as `causedBy` gives them.
 */
export function replay(
  inputs: readonly Envelope[],
  initial: Partial<BusinessState> = {},
): { state: BusinessState; outgoing: LogicalMessage[] } {
  const state: BusinessState = {
    orders: structuredClone(initial.orders ?? {}),
    customers: { ...(initial.customers ?? {}) },
    ranges: { ...(initial.ranges ?? {}) },
  };
  const outgoing: LogicalMessage[] = [];
  const emit = (cause: Envelope, index: number, type: string, data: unknown) =>
    outgoing.push({ id: derivedId(cause.id, index), causationId: cause.id, type, data });
  for (const m of inputs) {
    const data = m.data as Record<string, unknown>;
    switch (m.type) {
      case 'payments.ConfirmPayment': {
        const orderId = data.orderId as string;
        state.orders[orderId] ??= { paymentConfirmedCount: 0, submitted: false };
        const order = state.orders[orderId];
        order.paymentConfirmedCount++;
        emit(m, 0, 'payments.PaymentConfirmed', { orderId });
        const fanOut = (data.fanOut as number | undefined) ?? 1;
        for (let n = 1; n < fanOut; n++) emit(m, n, 'payments.ReceiptRequested', { orderId, n });
        break;
      }
      case 'customers.PlaceOrder': {
        const customerId = data.customerId as string;
        state.customers[customerId] = (state.customers[customerId] ?? 0) + 1;
        if (state.customers[customerId] === 1) emit(m, 0, 'customers.SendGift', { customerId });
        break;
      }
      case 'range.FireAt': {
        const hit = state.ranges[data.rangeId as string] === data.position;
        emit(m, 0, hit ? 'range.Hit' : 'range.Missed', { attemptId: data.attemptId });
        break;
      }
      case 'range.MoveTarget':
        state.ranges[data.rangeId as string] = data.position as number;
        break;
      case 'orders.SubmitOrder': {
        const orderId = data.orderId as string;
        state.orders[orderId] ??= { paymentConfirmedCount: 0, submitted: false };
        const order = state.orders[orderId];
        if (!order.submitted) {
          order.submitted = true;
          emit(m, 0, 'orders.OrderSubmitted', { orderId });
        }
        break;
      }
      default:
        throw new Error(`the model has no ${m.type}`);
    }
  }
  return { state, outgoing };
}

/** Sorted by id, for set comparisons. */
export const byId = <T extends { id: string }>(messages: readonly T[]): T[] =>
  [...messages].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
