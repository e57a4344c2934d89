import {
  AckPolicy,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { messageHandlingDuration, messagesHandled } from '../../observability/index.js';
import { identifier, type SqlClient } from '../../sql/index.js';
import {
  type Broker,
  checkName,
  checkSubjectPatterns,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_ATTEMPTS,
  defaultBackoff,
  type Subscribed,
  type Subscription,
  subjectMatches,
} from '../broker.js';
import {
  decodeEnvelope,
  type Envelope,
  envelopeSchema,
  handlingOf,
  PoisonMessageError,
} from '../envelope.js';
import { type Faults, isCrash } from '../faults.js';
import { createInbox, DEFAULT_INBOX_RETENTION_MS, pruneEvery } from '../inbox.js';
import { natsDeadLetters } from './dead-letters.js';
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
  /** Messages per relay pass. Default 500. */
  relayBatchSize?: number;
  faults?: Faults;
  onError?: (error: unknown, context: { group: string; messageId?: string; attempt?: number }) => void;
  /** The connection's name, as NATS monitoring shows it. */
  name?: string;
}

export type NatsBroker = Broker & {
  /** Resolves once everything written to the outbox before the call has been published to NATS. */
  drain(): Promise<void>;
};

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
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
  const fault: Faults = options.faults ?? (() => {});
  const report: NonNullable<NatsBrokerOptions['onError']> = (error, context) => {
    try {
      options.onError?.(error, context);
    } catch {
      // A failing error reporter must not change what happens to the message.
    }
  };

  const nc: NatsConnection = await connect({
    servers: options.servers,
    name: options.name ?? `tessera ${stream}`,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureStream();

  const inbox = createInbox(db, schema, retentionMs);
  const stopPruning = inbox.startPruning(pruneEvery(retentionMs), (error) =>
    report(error, { group: '(pruning)' }),
  );
  const running = new Set<Subscribed>();
  let crashed = false;
  // A simulated crash (faults.ts): the instance dies as a process would, with its deliveries unacknowledged.
  const die = () => {
    if (crashed) return;
    crashed = true;
    for (const subscribed of running) void subscribed.stop();
    void relay.stop();
    void nc.close();
  };
  const relay = await startRelay({
    db,
    js,
    schema,
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
      // One message in flight per lane across every member of the group: the lane's order holds.
      max_ack_pending: 1,
      ack_wait: nanos(ackWaitMs),
      max_deliver: -1,
      filter_subject: filter,
    };
    try {
      const info = await jsm.consumers.info(stream, name);
      if (info.config.filter_subject !== filter || info.config.ack_wait !== config.ack_wait) {
        await jsm.consumers.update(stream, name, {
          filter_subject: filter,
          ack_wait: config.ack_wait,
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
    const group = checkName('group', subscription.group);
    const subjects = [...new Set(subscription.subjects)];
    checkSubjectPatterns(subjects);
    const maxAttempts = subscription.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const backoff = subscription.backoff ?? defaultBackoff;
    const concurrency = subscription.concurrency ?? DEFAULT_CONCURRENCY;
    if (!(maxAttempts >= 1) || !(concurrency >= 1))
      throw new Error('maxAttempts and concurrency must be ≥ 1');

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

    // At most `concurrency` handlings at once across the lanes.
    let active = 0;
    const queue: Array<() => void> = [];
    const acquire = async () => {
      if (active < concurrency) active++;
      else await new Promise<void>((resolve) => queue.push(resolve));
    };
    const release = () => {
      const next = queue.shift();
      if (next) next();
      else active--;
    };

    let stopped = false;
    const wanted = (message: JsMsg, redrive: boolean) =>
      redrive || subjects.some((pattern) => subjectMatches(pattern, subjectOf(stream, message.subject)));

    const deadLetter = async (message: JsMsg, envelope: unknown, reason: string, attempts: number) => {
      const e = envelope as Partial<Envelope> | undefined;
      await deadLetters.record({
        group,
        messageId:
          (typeof e?.id === 'string' && e.id) ||
          message.headers?.get('Nats-Msg-Id') ||
          String(message.info.streamSequence),
        subject: typeof e?.subject === 'string' ? e.subject : subjectOf(stream, message.subject),
        type: typeof e?.type === 'string' && attempts > 0 ? e.type : '',
        reason,
        attempts,
        envelope,
      });
      message.term();
    };

    const handleOne = async (message: JsMsg, redrive: boolean) => {
      const attempt = message.info.deliveryCount;
      let envelope: Envelope;
      try {
        envelope = decodeEnvelope(message.data);
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        let raw: unknown;
        try {
          raw = JSON.parse(message.string());
        } catch {
          raw = message.string();
        }
        await deadLetter(message, raw, error.message, 0);
        report(error, { group });
        return;
      }
      if (!wanted(message, redrive)) return message.ack();
      // Long handlings keep their delivery: JetStream would hand it to another member after the ack wait.
      const keepAlive = setInterval(() => message.working(), Math.max(ackWaitMs / 2, 100));
      const timer = messageHandlingDuration.startTimer({ group });
      let first = false;
      try {
        await db.transaction(async () => {
          fault('beforeHandle', { group, messageId: envelope.id });
          first = await inbox.firstTime(group, envelope.id);
          if (first) {
            await handlingOf(envelope, () => subscription.handle(envelope, { attempt }));
            fault('afterHandleBeforeCommit', { group, messageId: envelope.id });
          }
        });
        timer();
        messagesHandled.inc({ group, outcome: first ? 'handled' : 'duplicate' });
      } catch (error) {
        if (isCrash(error)) throw error;
        report(error, { group, messageId: envelope.id, attempt });
        // A poison message (its data does not fit its contract) would fail every attempt the same way.
        if (attempt >= maxAttempts || error instanceof PoisonMessageError) {
          await deadLetter(message, envelope, errorMessage(error), attempt);
          messagesHandled.inc({ group, outcome: 'dead_lettered' });
        } else {
          message.nak(Math.max(0, Number(backoff(attempt)) || 0));
          messagesHandled.inc({ group, outcome: 'retried' });
        }
        return;
      } finally {
        clearInterval(keepAlive);
      }
      fault('afterCommitBeforeAck', { group, messageId: envelope.id });
      message.ack();
    };

    const iterators = await Promise.all(consumers.map((consumer) => consumer.consume({ max_messages: 8 })));
    const loops = iterators.map(async (messages, i) => {
      const redrive = lanes[i]!.redrive;
      for await (const message of messages) {
        if (stopped) {
          // Taken after the stop: hand it back at once for the group's next member.
          message.nak();
          continue;
        }
        await acquire();
        try {
          await handleOne(message, redrive);
        } catch (error) {
          if (isCrash(error)) {
            die();
            return;
          }
          // The broker's own failure (recording a dead letter, say): the delivery is retried.
          report(error, { group });
          message.nak(1_000);
        } finally {
          release();
        }
      }
    });

    let stopping: Promise<void> | undefined;
    const subscribed: Subscribed = {
      stop() {
        stopping ??= (async () => {
          stopped = true;
          for (const messages of iterators) messages.stop();
          await Promise.all(loops);
          running.delete(subscribed);
        })();
        return stopping;
      },
    };
    running.add(subscribed);
    return subscribed;
  }

  return {
    async publish(envelopes) {
      if (envelopes.length === 0) return;
      const checked = envelopes.map((envelope) => envelopeSchema.parse(envelope) as Envelope);
      // One statement (the NOTIFY is delivered on commit): it runs in every business transaction.
      await db.query(
        `WITH written AS (
           INSERT INTO ${s}.outbox (message_id, nats_subject, payload)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) RETURNING 1)
         SELECT pg_notify($4, '') FROM (SELECT 1 FROM written LIMIT 1) AS any_written`,
        [
          checked.map((e) => e.id),
          checked.map((e) => natsSubject(stream, partitionOf(e.key, partitions), e.subject)),
          checked.map((e) => JSON.stringify(e)),
          outboxChannel(schema),
        ],
      );
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

    drain: () => relay.drain(),

    async close() {
      stopPruning();
      await Promise.all([...running].map((subscribed) => subscribed.stop()));
      await relay.stop();
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
