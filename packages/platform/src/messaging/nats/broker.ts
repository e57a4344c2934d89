import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { identifier } from '../../sql/errors.js';
import type { SqlClient } from '../../sql/index.js';
import {
  type Broker,
  batchHandlerOf,
  checkName,
  type ErrorContext,
  errorMessage,
  reporterOf,
  type Subscribed,
  type Subscription,
  subjectMatches,
  subscriptionSettings,
} from '../broker.js';
import { checkEnvelope } from '../envelope.js';
import type { Faults } from '../faults.js';
import { createInbox, DEFAULT_INBOX_RETENTION_MS, pruneEvery } from '../inbox.js';
import { outboxWrite } from '../spans.js';
import { natsTrail, trailHeaders } from '../trail.js';
import { natsDeadLetters } from './dead-letters.js';
import { type Lane, type LaneContext, startLane } from './lane.js';
import { type Leases, startLeases } from './leases.js';
import { startRelay } from './relay.js';
import { outboxChannel } from './schema.js';
import { commonFilter, natsSubject, partitionOf, redriveSubject, subjectOf } from './subjects.js';

export interface NatsBrokerOptions {
  /** The module's database: the outbox, the inbox and the dead letters live there (`natsBrokerMigrations`). */
  db: SqlClient;
  /** e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** The JetStream stream, and the first token of every subject in it. Default 'tessera'. */
  stream?: string;
  /** Where `natsBrokerMigrations(schema)` put the tables. Default 'messaging'. */
  schema?: string;
  /** Partitions of each group (ordering lanes). Every process of a system must agree. Default 16. */
  partitions?: number;
  /** How long JetStream waits for an ack before redelivering (a member died). Default 30 s. */
  ackWaitMs?: number;
  /** JetStream's publish deduplication window. Default 2 minutes. */
  duplicateWindowMs?: number;
  /** How long the stream keeps messages. Default 7 days. */
  maxAgeMs?: number;
  /** Inbox retention (see inbox.ts). Default 7 days. */
  retentionMs?: number;
  /**
   * Messages a member takes from a lane at once and handles in one transaction (and JetStream's
   * max_ack_pending of the lane). Default 64.
   */
  batchSize?: number;
  /** Messages per relay pass. Default 500. */
  relayBatchSize?: number;
  faults?: Faults;
  onError?: (error: unknown, context: ErrorContext) => void;
  /** The connection's name, as NATS monitoring shows it. */
  name?: string;
}

export type NatsBroker = Broker & {
  /** Resolves once everything written to the outbox before the call has been published to NATS. */
  drain(): Promise<void>;
};

const DEFAULT_BATCH_SIZE = 64;
/**
 * A lane's lease lasts twice the ack wait, and its holder stops fetching when less than 1.25 ack waits are
 * left: whatever it fetched has been redelivered before another member can claim the lane (leases.ts).
 */
const leaseMsOf = (ackWaitMs: number) => 2 * ackWaitMs;
const fetchMarginOf = (ackWaitMs: number) => 1.25 * ackWaitMs;

const nanos = (ms: number) => Math.round(ms * 1_000_000);

/**
 * A broker on NATS JetStream with a transactional outbox and an inbox in PostgreSQL (ADR 0008). It passes
 * the same conformance suite as the embedded broker.
 */
export async function createNatsBroker(options: NatsBrokerOptions): Promise<NatsBroker> {
  const { db } = options;
  const stream = checkName('stream', options.stream ?? 'tessera');
  const schema = options.schema ?? 'messaging';
  const s = identifier(schema);
  const partitions = options.partitions ?? 16;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024)
    throw new Error('partitions must be an integer from 1 to 1024');
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const fault: Faults = options.faults ?? (() => {});
  const report = reporterOf(options.onError);

  const nc: NatsConnection = await connect({
    servers: options.servers,
    name: options.name ?? `tessera ${stream}`,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStream();

  const inbox = createInbox(db, schema, retentionMs);
  const trail = natsTrail(db, schema, retentionMs);
  // The inbox and the headers of what was sent, past the retention (trail.ts).
  const pruning = setInterval(
    () => void trail.prune().catch((error: unknown) => report(error, { group: '(pruning)' })),
    pruneEvery(retentionMs),
  );
  pruning.unref();
  const stopPruning = () => clearInterval(pruning);
  const subscriptions = new Set<{ stop(): Promise<void>; abandon(): Promise<void> }>();
  let crashed = false;
  // A simulated crash (faults.ts): the instance dies as a process would, with its deliveries unacknowledged
  // and its lanes' leases left to expire.
  const die = () => {
    if (crashed) return;
    crashed = true;
    for (const subscribed of subscriptions) void subscribed.abandon();
    void relay.stop();
    void nc.close();
  };
  const relay = await startRelay({
    db,
    nc,
    schema,
    stream,
    ...(options.relayBatchSize ? { batchSize: options.relayBatchSize } : {}),
    faults: fault,
    onError: (error) => report(error, { group: '(relay)' }),
    onCrash: die,
  });
  const deadLetters = natsDeadLetters({ db, schema, stream, outboxChannel: outboxChannel(schema) });

  async function ensureStream() {
    const config = {
      name: stream,
      subjects: [`${stream}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
      max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3_600_000),
    };
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add(config);
    }
  }

  async function ensureConsumer(name: string, filter: string) {
    const config = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      // One member holds a lane (leases.ts) and takes a batch of it at once.
      max_ack_pending: batchSize,
      ack_wait: nanos(ackWaitMs),
      max_deliver: -1,
      filter_subject: filter,
    };
    try {
      const info = await jsm.consumers.info(stream, name);
      if (
        info.config.filter_subject !== filter ||
        info.config.ack_wait !== config.ack_wait ||
        info.config.max_ack_pending !== config.max_ack_pending
      ) {
        await jsm.consumers.update(stream, name, {
          filter_subject: filter,
          ack_wait: config.ack_wait,
          max_ack_pending: config.max_ack_pending,
        });
      }
    } catch (error) {
      if (!/consumer not found/i.test(errorMessage(error))) throw error;
      // A new group starts with what is published from now on, as with the embedded broker.
      await jsm.consumers.add(stream, { ...config, deliver_policy: DeliverPolicy.New });
    }
    return js.consumers.get(stream, name);
  }

  async function subscribe(subscription: Subscription): Promise<Subscribed> {
    if (crashed) throw new Error('this broker instance crashed (simulated): open a new one');
    if (db.inTransaction()) throw new Error('call subscribe outside a transaction');
    const { group, subjects, maxAttempts, concurrency, pauseAfter, handleOne, gatherMs, handles } =
      subscriptionSettings(subscription);
    const handleBatch = batchHandlerOf(subscription);

    await db.query(
      `INSERT INTO ${s}.groups (name, partitions) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET partitions = excluded.partitions`,
      [group, partitions],
    );
    const filter = commonFilter(subjects);
    const lanes = [
      ...Array.from({ length: partitions }, (_, p) => ({
        name: `${group}_p${p}`,
        filter: `${stream}.${p}.${filter}`,
        redrive: false,
      })),
      { name: `${group}_redrive`, filter: redriveSubject(stream, group), redrive: true },
    ];
    const consumers = await Promise.all(lanes.map((lane) => ensureConsumer(lane.name, lane.filter)));

    // At most `concurrency` batches at once across the lanes.
    let active = 0;
    const queue: Array<() => void> = [];
    const slots = {
      async acquire() {
        if (active < concurrency) active++;
        else await new Promise<void>((resolve) => queue.push(resolve));
      },
      release() {
        const next = queue.shift();
        if (next) next();
        else active--;
      },
    };

    const running = new Map<number, Promise<Lane>>();
    let stopped = false;
    const laneContext = (redrive: boolean): LaneContext => ({
      group,
      db,
      inbox,
      deadLetters,
      handleOne,
      handleBatch,
      maxAttempts,
      pauseAfter,
      // A re-driven dead letter is handled whatever its subject and type, as it was when it died.
      wanted: (message, envelope) =>
        redrive ||
        (handles(envelope.type) &&
          subjects.some((pattern) => subjectMatches(pattern, subjectOf(stream, message.subject)))),
      subjectOf: (message) => subjectOf(stream, message.subject),
      ackWaitMs,
      batchSize,
      gatherMs,
      leases: leasesOf(),
      slots,
      // Bounded: on a connection that is closing, a flush may never be answered.
      flush: () =>
        nc.isClosed()
          ? Promise.resolve()
          : Promise.race([nc.flush(), new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]),
      fault,
      report,
      die,
      ended: (lane, mode) => {
        running.delete(lane);
        // Abandoned, its messages come back only after the ack wait: the lane must not fetch newer ones of
        // the same keys first. Handed back (naked), they come back at once, ahead of anything newer.
        leasesOf().forget(lane, mode === 'abandon' ? fetchMarginOf(ackWaitMs) : 0);
      },
    });
    let leases: Leases | undefined;
    const leasesOf = () => leases!;
    const stopLane = async (lane: number, mode: 'release' | 'abandon') => {
      const started = running.get(lane);
      running.delete(lane);
      if (started) await (await started.catch(() => undefined))?.stop(mode);
    };
    leases = await startLeases({
      db,
      schema,
      group,
      lanes: lanes.length,
      leaseMs: leaseMsOf(ackWaitMs),
      fetchMarginMs: fetchMarginOf(ackWaitMs),
      acquired(lane) {
        if (stopped || running.has(lane)) return;
        const started = startLane(consumers[lane]!, lane, laneContext(lanes[lane]!.redrive));
        started.catch((error: unknown) => {
          running.delete(lane);
          leasesOf().forget(lane);
          report(error, { group });
        });
        running.set(lane, started);
      },
      release: (lane) => stopLane(lane, 'release'),
      lost: (lane) => void stopLane(lane, 'abandon'),
      onError: (error) => report(error, { group }),
    });
    await leases.cycle();

    let stopping: Promise<void> | undefined;
    const stop = (mode: 'release' | 'abandon') => {
      stopping ??= (async () => {
        stopped = true;
        await leasesOf().stop(false);
        // Handed back: the group's other members may take the lanes at once.
        if (mode === 'release') await leasesOf().stop(true);
        subscriptions.delete(subscribed);
      })();
      return stopping;
    };
    const subscribed = { stop: () => stop('release'), abandon: () => stop('abandon') };
    subscriptions.add(subscribed);
    return { stop: subscribed.stop };
  }

  return {
    async publish(envelopes) {
      if (envelopes.length === 0) return;
      const checked = envelopes.map(checkEnvelope);
      // ADR 0020: the outbox rows go with the COMMIT, in one write (nothing in the transaction reads them
      // back); the payloads travel as one JSON array that the server splits (a text[] parameter has the
      // driver escape every quote); and no NOTIFY, since PostgreSQL makes the commits of notifying
      // transactions wait for each other: this process's relay is woken after the commit instead.
      // The ids travel beside the payloads: `envelope->>'id'` would fail on a payload holding a `\u0000`.
      // The trail's headers go in the same statement (ADR 0041): no round trip of their own.
      await outboxWrite(checked, () =>
        db.atCommit(
          `WITH outboxed AS (
           INSERT INTO ${s}.outbox (message_id, nats_subject, payload)
           SELECT m.id, m.subject, m.envelope::text
             FROM ROWS FROM (json_array_elements($1::json), unnest($2::text[]), unnest($3::text[]))
                  WITH ORDINALITY AS m(envelope, subject, id, n)
            ORDER BY m.n)
         INSERT INTO ${s}.sent_messages
           (message_id, type, subject, key, source, correlation_id, causation_id, reply_to, traceparent)
         SELECT id, type, subject, key, source, correlation_id, causation_id, reply_to, traceparent
           FROM json_to_recordset($4::json) AS h(id text, type text, subject text, key text, source text,
                correlation_id text, causation_id text, reply_to text, traceparent text)`,
          [
            JSON.stringify(checked),
            checked.map((e) => natsSubject(stream, partitionOf(e.key, partitions), e.subject)),
            checked.map((e) => e.id),
            trailHeaders(checked),
          ],
        ),
      );
      await db.afterCommit(relay.wake);
    },

    subscribe,

    async lag() {
      const { rows } = await db.query<{ name: string; partitions: number; dead: number }>(
        `SELECT g.name, g.partitions,
                (SELECT count(*)::int FROM ${s}.dead_letters l WHERE l.group_name = g.name) AS dead
           FROM ${s}.groups g ORDER BY g.name`,
      );
      return Promise.all(
        rows.map(async (row) => {
          const names = [
            ...Array.from({ length: row.partitions }, (_, p) => `${row.name}_p${p}`),
            `${row.name}_redrive`,
          ];
          const infos = await Promise.all(
            names.map((name) => jsm.consumers.info(stream, name).catch(() => undefined)),
          );
          const pending = infos.reduce(
            (sum, info) => sum + (info ? info.num_pending + info.num_ack_pending : 0),
            0,
          );
          return { group: row.name, pending, deadLetters: row.dead };
        }),
      );
    },

    deadLetters,

    trail,

    drain: () => relay.drain(),

    async close() {
      stopPruning();
      await Promise.all([...subscriptions].map((subscribed) => subscribed.stop()));
      await relay.stop();
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
