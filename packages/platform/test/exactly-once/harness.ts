/**
 * The exactly-once test harness (spec C.7) adapted to the REAL brokers: the embedded broker (PGlite and
 * PostgreSQL) and NATS JetStream (PostgreSQL, and PGlite). A "world" is one isolated system under test: a
 * broker schema (its tables, outbox and inbox), a business schema, a NATS stream of its own, and an
 * endpoint: the current broker instance with the world's subscriptions. A crash point (faults.ts) kills
 * the instance as a dead process; `restart()` (or `autoRestart`) opens a NEW instance on the same database
 * and stream, as a supervisor would. Nothing here waits on time: `quiesce()` re-checks the brokers' own
 * view (lag, outbox) whenever a handler or a fault point signals, with a bounded timeout as a safety net.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  type Envelope,
  embeddedBrokerMigrations,
  type NatsBroker,
  natsBrokerMigrations,
} from '@tessera/platform/messaging';
import { migrate, postgresClient, type SqlClient } from '@tessera/platform/sql';
import {
  type OpenedTestDatabase,
  pgliteTestDatabase,
  postgresTestDatabase,
  type TestDatabase,
} from '@tessera/platform/testing';
import { Crash, type CrashPoint, type FaultContext } from '../../src/messaging/faults.js';
import { partitionOf } from '../../src/messaging/nats/subjects.js';

export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const PARTITIONS = 4;
/**
 * A short JetStream ack wait: a delivery whose member died before acking comes back this soon. It is the
 * broker's redelivery setting (what a real deployment sets to 30 s), not a sleep of the tests.
 */
export const ACK_WAIT_MS = 400;
// An hour: the embedded workers must be woken by notifications and retry timers, never by the safety net.
const NEVER = 3_600_000;

export type BrokerKind = 'embedded' | 'nats';

export interface BrokerConfig {
  readonly name: string;
  readonly broker: BrokerKind;
  readonly database: TestDatabase;
}

/** A broker on a test database, under the name the tests print. */
const brokerOn = (broker: BrokerKind, database: TestDatabase): BrokerConfig => ({
  name: `${broker === 'nats' ? 'NATS JetStream' : 'embedded'} on ${database.backend === 'pglite' ? 'PGlite' : 'PostgreSQL'}`,
  broker,
  database,
});

export const EMBEDDED_PGLITE = brokerOn('embedded', pgliteTestDatabase);
export const EMBEDDED_POSTGRES = brokerOn('embedded', postgresTestDatabase);
export const NATS_POSTGRES = brokerOn('nats', postgresTestDatabase);
export const NATS_PGLITE = brokerOn('nats', pgliteTestDatabase);

/** The crash points each broker has (faults.ts): the embedded broker has no ack or relay step of its own. */
export const CRASH_POINTS: Record<BrokerKind, readonly CrashPoint[]> = {
  embedded: ['beforeHandle', 'afterHandleBeforeCommit'],
  nats: [
    'beforeHandle',
    'afterHandleBeforeCommit',
    'afterCommitBeforeAck',
    'beforeRelayPublish',
    'midRelayPublish',
    'afterRelayPublishBeforeRemove',
  ],
};

/** A deferred promise: tests wait on what handlers resolve, never on time. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** One test database (and, for NATS, a harness connection) shared by the worlds of a test file. */
export interface Site {
  readonly config: BrokerConfig;
  readonly db: SqlClient;
  /** A second client on the same PostgreSQL database (writes outside the handling's transaction). */
  readonly sideDb?: SqlClient;
  readonly nats?: { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager };
  world(options?: WorldOptions): Promise<World>;
  close(): Promise<void>;
}

export async function openSite(config: BrokerConfig): Promise<Site> {
  const opened: OpenedTestDatabase = await config.database.open();
  const sideDb = opened.url ? postgresClient({ connectionString: opened.url, maxConnections: 4 }) : undefined;
  let nats: Site['nats'];
  if (config.broker === 'nats') {
    const nc = await connect({ servers: TEST_NATS_URL, name: 'eo harness' });
    nats = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
  }
  const worlds: World[] = [];
  const site: Site = {
    config,
    db: opened.db,
    ...(sideDb ? { sideDb } : {}),
    ...(nats ? { nats } : {}),
    async world(options = {}) {
      const world = new World(site, options);
      await world.start();
      worlds.push(world);
      return world;
    },
    async close() {
      await Promise.all(worlds.map((world) => world.close()));
      await nats?.nc.close();
      await sideDb?.close();
      await opened.close();
    },
  };
  return site;
}

export interface HandlerContext {
  /** The broker instance running this handling: outgoing messages go through it (the outbox). */
  readonly broker: Broker;
  readonly attempt: number;
  readonly world: World;
}

export interface EndpointSubscription {
  /** Without the world's suffix (added here): names are unique per world. */
  readonly group: string;
  readonly subjects: readonly string[];
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  /** Default: 5 ms, so that retries are quick. */
  readonly backoff?: (attempt: number) => number;
  handle(message: Envelope, context: HandlerContext): Promise<void>;
}

/** Decides, at each fault point, whether the endpoint dies there. */
export type CrashPlan = (point: CrashPoint, context: FaultContext, info: { occurrence: number }) => boolean;

/** Crashes once, at the `occurrence`-th time `point` is reached (counted among those `filter` accepts). */
export function crashAt(
  point: CrashPoint,
  occurrence = 1,
  filter: (context: FaultContext) => boolean = () => true,
): CrashPlan {
  let seen = 0;
  let fired = false;
  return (p, context) => {
    if (fired || p !== point || !filter(context)) return false;
    seen++;
    if (seen !== occurrence) return false;
    fired = true;
    return true;
  };
}

/** Each of the plans fires on its own. */
export const crashPlans =
  (...plans: CrashPlan[]): CrashPlan =>
  (point, context, info) =>
    plans.some((plan) => plan(point, context, info));

export interface WorldOptions {
  /** Inbox retention of the broker instances (default: the broker's). */
  readonly retentionMs?: number;
}

interface Instance {
  readonly broker: Broker;
  readonly number: number;
  dead: boolean;
}

export class World {
  readonly id = randomUUID().replaceAll('-', '').slice(0, 10);
  /** The broker's schema (tables, inbox, outbox). */
  readonly schema = `b${this.id}`;
  /** The business schema: the scenarios' tables. */
  readonly biz = `s${this.id}`;
  readonly stream: string | undefined;
  readonly db: SqlClient;
  readonly kind: BrokerKind;
  /** When set, a crash is followed at once by a restart (a supervisor). */
  autoRestart = false;
  plan: CrashPlan | undefined;
  /** Every crash, in order. */
  readonly crashes: Array<{ point: CrashPoint; context: FaultContext; instance: number }> = [];
  /** How often each fault point was reached, over every instance. */
  readonly reached = new Map<CrashPoint, number>();
  /** What the brokers reported (handler failures, their own errors), for diagnostics. */
  readonly errors: Array<{ error: unknown; group: string; messageId?: string; attempt?: number }> = [];
  private readonly subscriptions: EndpointSubscription[] = [];
  private instance: Instance | undefined;
  private instances = 0;
  private restarting: Promise<void> | undefined;
  private activity = 0;
  private readonly waiters = new Set<() => void>();
  private copies = 0;
  // Captured outside any transaction: a restart triggered from inside a handling must not join it.
  private readonly outside = AsyncLocalStorage.snapshot();

  constructor(
    readonly site: Site,
    private readonly options: WorldOptions,
  ) {
    this.db = site.db;
    this.kind = site.config.broker;
    this.stream = this.kind === 'nats' ? `eo${this.id}` : undefined;
  }

  /** A subject of this world. */
  subject(name: string): string {
    return `eo.${this.id}.${name}`;
  }

  group(name: string): string {
    return `${name}_${this.id}`;
  }

  /** A table of the business schema. */
  table(name: string): string {
    return `${this.biz}.${name}`;
  }

  get broker(): Broker {
    if (!this.instance) throw new Error('the world has not started');
    return this.instance.broker;
  }

  get alive(): boolean {
    return !!this.instance && !this.instance.dead;
  }

  async start(): Promise<void> {
    await migrate(this.db, [
      this.kind === 'embedded' ? embeddedBrokerMigrations(this.schema) : natsBrokerMigrations(this.schema),
    ]);
    await this.db.exec(`CREATE SCHEMA ${this.biz}`);
    await this.open();
  }

  /** Signals activity: `quiesce` looks again. */
  bump(): void {
    this.activity++;
    for (const wake of [...this.waiters]) wake();
  }

  private faults(instance: () => Instance | undefined) {
    return (point: CrashPoint, context: FaultContext) => {
      const self = instance();
      this.bump();
      // A dead process runs no further: whatever of it is still going dies at its next step.
      if (self?.dead) throw new Crash(point);
      const occurrence = (this.reached.get(point) ?? 0) + 1;
      this.reached.set(point, occurrence);
      if (self && this.plan?.(point, context, { occurrence })) {
        self.dead = true;
        this.crashes.push({ point, context, instance: self.number });
        if (this.autoRestart) this.scheduleRestart(self);
        throw new Crash(point);
      }
    };
  }

  private async open(): Promise<void> {
    const number = ++this.instances;
    let self: Instance | undefined;
    const faults = this.faults(() => self);
    const onError = (error: unknown, context: { group: string; messageId?: string; attempt?: number }) => {
      this.errors.push({ error, ...context });
      this.bump();
    };
    const retention = this.options.retentionMs ? { retentionMs: this.options.retentionMs } : {};
    const broker: Broker =
      this.kind === 'embedded'
        ? createEmbeddedBroker({
            db: this.db,
            schema: this.schema,
            idleRecheckMs: NEVER,
            faults,
            onError,
            ...retention,
          })
        : await createNatsBroker({
            db: this.db,
            servers: TEST_NATS_URL,
            stream: this.stream!,
            schema: this.schema,
            partitions: PARTITIONS,
            ackWaitMs: ACK_WAIT_MS,
            faults,
            onError,
            name: `eo ${this.id} #${number}`,
            ...retention,
          });
    self = { broker, number, dead: false };
    this.instance = self;
    for (const subscription of this.subscriptions) {
      try {
        await this.attach(self, subscription);
      } catch (error) {
        // The new instance crashed while it was still subscribing (a planned crash): its restart is due.
        if (self.dead) return;
        throw error;
      }
    }
  }

  private async attach(instance: Instance, subscription: EndpointSubscription): Promise<void> {
    const { broker } = instance;
    await broker.subscribe({
      group: this.group(subscription.group),
      subjects: subscription.subjects,
      ...(subscription.concurrency ? { concurrency: subscription.concurrency } : {}),
      ...(subscription.maxAttempts ? { maxAttempts: subscription.maxAttempts } : {}),
      backoff: subscription.backoff ?? (() => 5),
      handle: async (message, delivery) => {
        this.bump();
        await subscription.handle(message, { broker, attempt: delivery.attempt, world: this });
        await this.db.afterCommit(() => this.bump());
      },
    });
  }

  /** Adds a subscription to the endpoint: it runs on this instance and on every restarted one. */
  async subscribe(subscription: EndpointSubscription): Promise<void> {
    this.subscriptions.push(subscription);
    if (this.instance && !this.instance.dead) await this.attach(this.instance, subscription);
  }

  /** A supervisor's restart after a crash: restarts run one after the other, outside any transaction. */
  private scheduleRestart(dead: Instance): void {
    const previous = this.restarting ?? Promise.resolve();
    const run: Promise<void> = this.outside(async () => {
      await previous;
      // Let the crash unwind first (the broker sees its Crash and dies).
      await new Promise((resolve) => setImmediate(resolve));
      await this.closeInstance(dead);
      if (this.instance === dead) await this.open();
    });
    this.restarting = run;
    void run.finally(() => {
      if (this.restarting === run) this.restarting = undefined;
      this.bump();
    });
  }

  private async closeInstance(instance: Instance): Promise<void> {
    instance.dead = true;
    try {
      await instance.broker.close();
    } catch {
      // A crashed NATS instance closed its own connection: closing it again may fail, and does not matter.
    }
  }

  /** Resolves once the endpoint crashed (with the crash). */
  async crashed(): Promise<{ point: CrashPoint; context: FaultContext; instance: number }> {
    for (;;) {
      const crash = this.crashes.at(-1);
      if (crash && this.instance?.dead) return crash;
      await this.nextSignal(1_000);
    }
  }

  /** Opens a new broker instance on the same database and stream (a process restart). */
  async restart(): Promise<void> {
    if (this.restarting) return this.restarting;
    if (this.instance) await this.closeInstance(this.instance);
    await this.open();
    this.bump();
  }

  async publish(envelopes: readonly Envelope[]): Promise<void> {
    await this.broker.publish(envelopes);
  }

  /**
   * A transport-level duplicate of the SAME envelope (same id, same bytes): for the embedded broker a second
   * row of `messages` (another row id), for NATS a second stream message (another `Nats-Msg-Id`). `key`
   * puts the copy on another lane, so it may run beside the original.
   */
  async duplicate(envelope: Envelope, options: { key?: string } = {}): Promise<void> {
    const key = options.key ?? envelope.key;
    const copyId = `${envelope.id}#copy${++this.copies}`;
    if (this.kind === 'embedded') {
      await this.db.query(`SELECT ${this.schema}.publish($1::text[], $2::text[], $3::text[], $4::text[])`, [
        [copyId],
        [envelope.subject],
        [key],
        [JSON.stringify(envelope)],
      ]);
    } else {
      const subject = `${this.stream}.${partitionOf(key, PARTITIONS)}.${envelope.subject}`;
      await this.site.nats!.js.publish(subject, JSON.stringify(envelope), { msgID: copyId });
    }
  }

  /** Whether two keys can be handled at once (NATS orders whole partitions). */
  independent(a: string, b: string): boolean {
    return this.kind === 'embedded' ? a !== b : partitionOf(a, PARTITIONS) !== partitionOf(b, PARTITIONS);
  }

  /** A key, starting with `prefix`, on a lane independent of every key in `others`. */
  keyBeside(prefix: string, ...others: string[]): string {
    for (let i = 0; ; i++) {
      const key = `${prefix}${i}`;
      if (others.every((other) => this.independent(key, other))) return key;
    }
  }

  /** Waits for the next signal (a handling, a fault point, a restart) or at most `ms`. */
  private nextSignal(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Rows of the outbox that the NATS relay has not removed yet (the embedded broker has no relay: 0). */
  /** The ids of the messages waiting in the outbox (NATS; the embedded broker has none). */
  async outboxIds(): Promise<string[]> {
    if (this.kind === 'embedded') return [];
    const { rows } = await this.db.query<{ message_id: string }>(
      `SELECT message_id FROM ${this.schema}.outbox ORDER BY position`,
    );
    return rows.map((row) => row.message_id);
  }

  async outboxRows(): Promise<number> {
    if (this.kind === 'embedded') return 0;
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.schema}.outbox`,
    );
    return rows[0]!.n;
  }

  private async transportHead(): Promise<number> {
    if (this.kind === 'embedded') {
      const { rows } = await this.db.query<{ n: string | number | null }>(
        `SELECT max(position) AS n FROM ${this.schema}.messages`,
      );
      return Number(rows[0]!.n ?? 0);
    }
    const info = await this.site.nats!.jsm.streams.info(this.stream!);
    return info.state.last_seq;
  }

  /**
   * Waits until nothing is left to do: no delivery pending or in flight in any group (the brokers' lag),
   * nothing in the outbox, and nothing happened between two such observations. Re-checked whenever a
   * handler or fault point signals, and at the latest every `recheckMs` (acks and relay passes do not
   * signal); `timeoutMs` is a safety net only.
   */
  async quiesce(timeoutMs = 20_000, recheckMs = 20): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let previous: string | undefined;
    let last = '';
    for (;;) {
      while (this.restarting) await this.restarting;
      if (!this.alive) throw new Error('the endpoint is dead: restart it before waiting for quiescence');
      if (Date.now() > deadline) throw new Error(`no quiescence after ${timeoutMs} ms (${last})`);
      const activity = this.activity;
      const broker = this.broker;
      if (this.kind === 'nats') {
        await Promise.race([(broker as NatsBroker).drain(), this.nextSignal(500)]);
      }
      const lag = await broker.lag();
      const pending = lag.reduce((sum, group) => sum + group.pending, 0);
      const outbox = await this.outboxRows();
      const head = await this.transportHead();
      const fingerprint = `${this.activity}/${head}/${this.instances}`;
      last = `pending ${pending}, outbox ${outbox}, head ${head}`;
      const idle = pending === 0 && outbox === 0 && this.alive && activity === this.activity;
      if (idle && fingerprint === previous) return;
      previous = idle ? fingerprint : undefined;
      await this.nextSignal(idle ? 1 : recheckMs);
    }
  }

  /** Every envelope copy the transport ever carried, in order (the C.7 transport log). */
  async transportLog(): Promise<Envelope[]> {
    if (this.kind === 'embedded') {
      const { rows } = await this.db.query<{ envelope: string }>(
        `SELECT envelope::text AS envelope FROM ${this.schema}.messages ORDER BY position`,
      );
      return rows.map((row) => JSON.parse(row.envelope) as Envelope);
    }
    const { jsm } = this.site.nats!;
    const info = await jsm.streams.info(this.stream!);
    const log: Envelope[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const stored = await jsm.streams.getMessage(this.stream!, { seq });
      if (stored) log.push(JSON.parse(Buffer.from(stored.data).toString('utf8')) as Envelope);
    }
    return log;
  }

  /** Whether the inbox holds the processed marker of `messageId` for a group of this world. */
  async marked(group: string, messageId: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `SELECT 1 FROM ${this.schema}.inbox WHERE group_name = $1 AND message_id = $2`,
      [this.group(group), messageId],
    );
    return rows.length > 0;
  }

  async close(): Promise<void> {
    if (this.instance) await this.closeInstance(this.instance);
    if (this.stream) await this.site.nats!.jsm.streams.delete(this.stream).catch(() => false);
  }
}
