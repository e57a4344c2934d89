import { batchPacer } from '../../pacing/batch-pacer.js';
import { identifier } from '../../sql/errors.js';
import type { SqlClient } from '../../sql/index.js';
import { storableText } from '../../sql/storable-text.js';
import {
  type Broker,
  type ErrorContext,
  errorMessage,
  reporterOf,
  type Subscribed,
  type Subscription,
  subscriptionSettings,
} from '../broker.js';
import { deadLetterReads, isDeadLetterId } from '../dead-letter-rows.js';
import { checkEnvelope, decodeEnvelope, type Envelope, PoisonMessageError } from '../envelope.js';
import { type Faults, isCrash } from '../faults.js';
import { createInbox, DEFAULT_INBOX_RETENTION_MS, pruneEvery } from '../inbox.js';
import { messageHandlingDuration, messagesHandled } from '../metrics.js';
import { destinationOf, sending } from '../spans.js';
import { embeddedTrail } from '../trail.js';
import { brokerChannel } from './schema.js';

export interface EmbeddedBrokerOptions {
  db: SqlClient;
  /** Where `embeddedBrokerMigrations(schema)` put the tables. Default 'broker'. */
  schema?: string;
  /**
   * Told about what goes wrong: a handler's failure (with the message and attempt) and the broker's own
   * database errors (after which a worker pauses, 50 ms doubling to 5 s, and tries again).
   */
  onError?: (error: unknown, context: ErrorContext) => void;
  /**
   * A safety net only: workers wake on each publish (NOTIFY), on re-drives and when a retry falls due. This
   * covers a member of the group in another process that died while it held a retry timer. Default 30 s.
   */
  idleRecheckMs?: number;
  /**
   * How long the inbox remembers a handled message id, and how long a handled message stays in
   * `messages` (for publish deduplication and inspection). Default 7 days. See `inbox.ts`.
   */
  retentionMs?: number;
  /** Fault injection for the exactly-once tests (`faults.ts`). */
  faults?: Faults;
}

interface Claimed {
  position: number;
  attempts: number;
  id: string;
  envelope: string;
  /** Whether the claim's inbox row is new: the group sees the message for the first time. */
  first: boolean;
}

/** The claim's one row: a delivery, or (every column of it null) when the next one falls due. */
type ClaimRow = { [K in keyof Claimed]: Claimed[K] | null } & {
  /** Whether the group has another delivery than the claimed one (when one was claimed). */
  more: boolean | null;
  due_in_ms: number | string | null;
};

type Outcome =
  /**
   * `more`: whether the group may have another delivery to look for at once. `answeredAt`: the wake-up count
   * when the claim answered (see `claimsSerialized`).
   */
  | { kind: 'done'; more: boolean; answeredAt?: number }
  | { kind: 'empty'; dueInMs: number | undefined; answeredAt: number }
  | { kind: 'busy'; until: Promise<void> }
  /** A batch of `count` failed and rolled back: take them again one at a time. */
  | { kind: 'alone'; count: number };

/** Deliveries claimed, and handled, in one transaction at most (on PGlite: see `batchSize`). */
const BATCH_SIZE = 16;

/** A claim of a delivery whose failed attempt is being recorded: its transaction rolls back, and it waits. */
class Busy {
  constructor(readonly until: Promise<void>) {}
}

/** A broker in PostgreSQL (or PGlite), for one process or several sharing the database. */
export function createEmbeddedBroker(options: EmbeddedBrokerOptions): Broker {
  const { db } = options;
  const schema = options.schema ?? 'broker';
  const s = identifier(schema);
  const channel = brokerChannel(schema);
  const idleRecheckMs = options.idleRecheckMs ?? 30_000;
  const report = reporterOf(options.onError);
  const running = new Set<Subscribed>();
  const retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
  const inbox = createInbox(db, schema, retentionMs);
  const trail = embeddedTrail(db, schema, retentionMs);
  const fault = options.faults ?? (() => {});
  // A simulated crash (faults.ts) kills the whole instance, as a dead process: every worker stops where it is.
  let crashed = false;
  let stopPruning: (() => void) | undefined;

  const sql = {
    publish: `SELECT ${s}.publish($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    // The latest registration's types count (NULL: every type): a group's members run the same code, and a
    // version that stops handling a type has no use for its deliveries.
    register: `INSERT INTO ${s}.groups (name, pattern, types) SELECT $1, unnest($2::text[]), $3::text[]
      ON CONFLICT (name, pattern) DO UPDATE SET types = excluded.types`,
    // The oldest available deliveries (up to $3) whose key has no earlier delivery left in the group, whether
    // that one is in flight (locked) or waiting for a retry: one key at a time, in order, so a batch holds one
    // delivery per key. When there is none, the one row answered says instead when the next one the claim
    // skipped as not yet available falls due (in the same statement, so with the same now()): an empty look
    // costs one statement.
    // The claimed messages' inbox rows are written by the same statement (one round trip less per handling):
    // `first` says whether the group sees one for the first time. Whatever path does not run the handler
    // after such a claim rolls back, or deletes the row, so that only a handling leaves one.
    // `more` says whether the group has any other delivery: when it has none, the worker sleeps after the
    // handling instead of making an empty claim (a transaction on the one embedded connection per handling);
    // a publish committed meanwhile has woken it already (its NOTIFY comes after the claim's snapshot).
    claim: `WITH claimed AS (
      SELECT d.position, d.attempts, m.id, m.envelope::text AS envelope, m.correlation_id
        FROM ${s}.deliveries d JOIN ${s}.messages m ON m.position = d.position
       WHERE d.group_name = $1 AND d.available_at <= now() AND d.position <> ALL($2::bigint[])
         AND NOT EXISTS (SELECT 1 FROM ${s}.deliveries e
                          WHERE e.group_name = d.group_name AND e.key = d.key AND e.position < d.position)
       ORDER BY d.position LIMIT $3
       FOR UPDATE OF d SKIP LOCKED),
    inboxed AS (
      INSERT INTO ${s}.inbox (group_name, message_id, correlation_id)
      SELECT $1, id, correlation_id FROM claimed
      ON CONFLICT DO NOTHING RETURNING message_id)
    SELECT position, attempts, id, envelope, id IN (SELECT message_id FROM inboxed) AS first,
           EXISTS (SELECT 1 FROM ${s}.deliveries o
                    WHERE o.group_name = $1 AND o.position NOT IN (SELECT position FROM claimed)) AS more,
           NULL::float8 AS due_in_ms
      FROM claimed
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, NULL,
           (SELECT extract(epoch FROM min(available_at) - clock_timestamp()) * 1000
              FROM ${s}.deliveries WHERE group_name = $1 AND available_at > now())
     WHERE NOT EXISTS (SELECT 1 FROM claimed)
     ORDER BY 1`,
    ack: `DELETE FROM ${s}.deliveries WHERE group_name = $1 AND position = $2`,
    unrecord: `DELETE FROM ${s}.inbox WHERE group_name = $1 AND message_id = $2`,
    retry: `UPDATE ${s}.deliveries SET attempts = $4, available_at = clock_timestamp() + $5 * interval '1 millisecond'
     WHERE group_name = $1 AND position = $2 AND attempts = $3`,
    deadLetter: `WITH gone AS (
      DELETE FROM ${s}.deliveries WHERE group_name = $1 AND position = $2 AND attempts = $3
      RETURNING group_name, position)
    INSERT INTO ${s}.dead_letters (group_name, position, reason, attempts)
    SELECT group_name, position, $4, $5 FROM gone`,
    redrive: `WITH moved AS (
      DELETE FROM ${s}.dead_letters WHERE id = ANY($1::uuid[]) RETURNING group_name, position)
    INSERT INTO ${s}.deliveries (group_name, position, key)
    SELECT moved.group_name, moved.position, m.key FROM moved JOIN ${s}.messages m ON m.position = moved.position
    ON CONFLICT DO NOTHING`,
  };

  async function subscribe(subscription: Subscription): Promise<Subscribed> {
    // Workers started here would inherit the ambient transaction and run every handling inside it.
    if (db.inTransaction()) throw new Error('call subscribe outside a transaction');
    // A batch handler gets batches of one here: a claim's batch is handled message by message.
    const { group, subjects, maxAttempts, concurrency, pauseAfter, handleOne, gatherMs, types } =
      subscriptionSettings(subscription);

    await db.query(sql.register, [group, subjects, types ?? null]);

    let stopped = false;
    // Waking: a generation counter, so that a wake-up arriving while a worker looks is not lost.
    let generation = 0;
    const sleepers = new Set<() => void>();
    const wakeAll = () => {
      generation++;
      for (const wake of [...sleepers]) wake();
    };

    const sleep = (seen: number, ms: number) =>
      new Promise<void>((resolve) => {
        if (stopped || generation !== seen) return resolve();
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, Math.min(ms, 2_147_000_000)));
        sleepers.add(done);
      });
    // Listen before the first claim, so that a publish committed in between still wakes the workers.
    // A publish names the groups it delivered to; an empty payload (a stop, a re-drive) is for everyone.
    const unlisten = await db.listen(channel, (payload) => {
      if (payload === '' || payload === group) wakeAll();
    });

    /** Records a failed attempt, or moves the delivery to the dead letters after the last one. */
    const recordFailure = async (claimed: Claimed, attempt: number, error: unknown) => {
      // A poison message (its data does not fit its contract) would fail every attempt the same way.
      const dead = attempt >= maxAttempts || error instanceof PoisonMessageError;
      if (dead) {
        await db.query(sql.deadLetter, [
          group,
          claimed.position,
          claimed.attempts,
          // The reason is kept whatever the error said: a NUL in it must not keep the message from dying.
          storableText(errorMessage(error)),
          attempt,
        ]);
      } else {
        await db.query(sql.retry, [group, claimed.position, claimed.attempts, attempt, pauseAfter(attempt)]);
      }
      await db.afterCommit(() => messagesHandled.inc({ group, outcome: dead ? 'dead_lettered' : 'retried' }));
    };

    // Deliveries whose failed attempt this subscription is recording: between the rollback of the handling
    // and the record, the row is unlocked, and its workers must not take it again meanwhile. A claim computed
    // before an entry appeared can still return the row: the worker then lets it go and waits for the record.
    const recording = new Map<number, { done: Promise<void>; resolve: () => void }>();
    const startRecording = (position: number) => {
      if (recording.has(position)) return;
      let resolve!: () => void;
      const done = new Promise<void>((r) => {
        resolve = r;
      });
      recording.set(position, { done, resolve });
    };
    const endRecording = (position: number) => {
      recording.get(position)?.resolve();
      recording.delete(position);
    };

    /**
     * Whether the group sees the message for the first time. The claim recorded its row's id in the inbox,
     * which is the envelope's id for everything `publish` wrote; a copy of an envelope under another row id
     * (a transport's duplicate) has that row's record replaced by the envelope's, two statements more.
     */
    const firstTime = async (claimed: Claimed, envelope: Envelope) => {
      if (envelope.id === claimed.id) return claimed.first;
      if (claimed.first) await db.query(sql.unrecord, [group, claimed.id]);
      return inbox.firstTime(group, envelope);
    };

    /**
     * Claims up to `limit` deliveries and handles them, in order, in one transaction: under load, one claim
     * and one commit serve several messages. When a handler of a batch of several fails, everything rolls back
     * and the batch is taken again one at a time, where a failure is recorded against its own delivery.
     */
    const attempt = async (limit: number): Promise<Outcome> => {
      const state: { claimed?: Claimed; failure?: unknown; taken: number } = { taken: 0 };
      try {
        return await db.transaction(async (): Promise<Outcome> => {
          const { rows } = await db.query<ClaimRow>(sql.claim, [group, [...recording.keys()], limit]);
          const answeredAt = generation;
          const head = rows[0]!;
          if (head.position === null) {
            const ms = head.due_in_ms;
            return { kind: 'empty', dueInMs: ms === null ? undefined : Number(ms) + 1, answeredAt };
          }
          const batch = rows as Array<ClaimRow & Claimed>;
          state.taken = batch.length;
          for (const claimed of batch) {
            const busy = recording.get(claimed.position);
            // Rolled back, the claims' inbox rows with them.
            if (busy) throw new Busy(busy.done);
          }
          for (const claimed of batch) {
            state.claimed = claimed;
            let envelope: Envelope;
            try {
              envelope = decodeEnvelope(Buffer.from(claimed.envelope));
            } catch (error) {
              if (!(error instanceof PoisonMessageError)) throw error;
              const reason = storableText(error.message);
              // Dead, not handled: a re-drive must find no inbox row.
              if (claimed.first) await db.query(sql.unrecord, [group, claimed.id]);
              await db.query(sql.deadLetter, [group, claimed.position, claimed.attempts, reason, 0]);
              await db.afterCommit(() => report(error, { group, messageId: claimed.id }));
              continue;
            }
            fault('beforeHandle', { group, messageId: envelope.id });
            const timer = messageHandlingDuration.startTimer({ group });
            // The handler's own SQL joins this transaction: its effects, its inbox row (the claim's) and the
            // ack commit together, or none of them.
            const first = await firstTime(claimed, envelope);
            if (first) {
              try {
                await handleOne(envelope, { attempt: claimed.attempts + 1 });
              } catch (error) {
                if (isCrash(error)) throw error;
                state.failure = error;
                if (batch.length === 1) startRecording(claimed.position); // before the rollback unlocks the row
                throw error;
              }
              fault('afterHandleBeforeCommit', { group, messageId: envelope.id });
            }
            // Nothing in the handling reads the delivery back: its deletion goes with the COMMIT.
            await db.atCommit(sql.ack, [group, claimed.position]);
            await db.afterCommit(() => {
              timer();
              messagesHandled.inc({ group, outcome: first ? 'handled' : 'duplicate' });
            });
          }
          return { kind: 'done', more: head.more !== false, answeredAt };
        });
      } catch (error) {
        if (error instanceof Busy) return { kind: 'busy', until: error.until };
        const { claimed } = state;
        if (!claimed || isCrash(error)) throw error;
        if (state.taken > 1) return { kind: 'alone', count: state.taken };
        // The handler threw, or the transaction failed after the claim (at commit, e.g. a deferred constraint
        // of the handler's, or the connection was lost). Everything rolled back, the handler's after-commit
        // callbacks with it; the attempt is counted in a new transaction. Another process sharing the group
        // can take the row in between: it then runs the same attempt, and only one of the records counts.
        const failure = 'failure' in state ? state.failure : error;
        const attempt = claimed.attempts + 1;
        startRecording(claimed.position);
        try {
          await db.transaction(() => recordFailure(claimed, attempt, failure));
        } finally {
          endRecording(claimed.position);
        }
        report(failure, { group, messageId: claimed.id, attempt });
        return { kind: 'done', more: true };
      }
    };

    // On PGlite a group has one worker, which a slow handler holds whatever it claimed: a batch costs no
    // independence there. On PostgreSQL its workers run apart, and a batch would hold other keys behind a
    // slow handler of its own: one delivery per claim.
    const batchSize = db.kind === 'pglite' ? BATCH_SIZE : 1;
    // On PGlite, one connection runs every transaction in turn, and the database's thread sends a commit's
    // notifications before anything it answers after that commit: a wake-up that reached this thread before
    // the claim's answer came from a commit the claim saw. Counting wake-ups from the answer on spares the
    // empty claim (a transaction) that such a wake-up would otherwise cost after every batch. On PostgreSQL a
    // commit can land between the claim's snapshot and its answer: there the count starts before the claim.
    const claimsSerialized = db.kind === 'pglite';
    // The wait between claims (`gatherMs`) ends with its time or a stop, not with a publish. A claim of one
    // delivery (PostgreSQL) gathers nothing: waiting between such claims would only slow the group down.
    const pacer = batchPacer(batchSize > 1 ? gatherMs : 0);
    const worker = async () => {
      let pause = 50;
      // Claims to make one delivery at a time, after a batch whose handling failed.
      let alone = 0;
      // Whether the group had more to claim at once after the last claim.
      let backlog = false;
      while (!stopped) {
        await pacer.next(backlog || stopped);
        if (stopped) break;
        backlog = true;
        let seen = generation;
        let outcome: Outcome;
        try {
          outcome = await attempt(alone > 0 ? 1 : batchSize);
          if (alone > 0) alone--;
          pause = 50;
          if (claimsSerialized && (outcome.kind === 'done' || outcome.kind === 'empty'))
            seen = outcome.answeredAt ?? seen;
        } catch (error) {
          if (isCrash(error)) {
            die();
            return;
          }
          report(error, { group });
          await sleep(seen, pause);
          pause = Math.min(pause * 2, 5_000);
          continue;
        }
        if (outcome.kind === 'done') {
          // Nothing else in the group: sleep until a publish (or the safety net) wakes this worker.
          if (!outcome.more) {
            backlog = false;
            await sleep(seen, idleRecheckMs);
          }
          continue;
        }
        if (outcome.kind === 'busy') {
          await outcome.until;
          continue;
        }
        if (outcome.kind === 'alone') {
          alone = outcome.count;
          continue;
        }
        backlog = false;
        await sleep(seen, Math.min(outcome.dueInMs ?? idleRecheckMs, idleRecheckMs));
      }
    };

    const die = () => {
      crashed = true;
      for (const subscribed of running) void subscribed.stop();
    };
    if (crashed) throw new Error('this broker instance crashed (simulated): open a new one');
    // PGlite is one connection, and every handling holds it for its transaction: more workers could only
    // queue behind it, and each wake-up would cost every one of them an empty claim.
    const workers = Array.from({ length: db.kind === 'pglite' ? 1 : concurrency }, () => worker());
    let stopping: Promise<void> | undefined;
    const subscribed: Subscribed = {
      stop() {
        stopping ??= (async () => {
          stopped = true;
          wakeAll();
          pacer.hurry();
          await Promise.all(workers);
          await unlisten();
          running.delete(subscribed);
          // Other members of the group may be asleep behind a retry this one was timing: let them look.
          await db.notify(channel).catch((error: unknown) => report(error, { group }));
        })();
        return stopping;
      },
    };
    running.add(subscribed);
    stopPruning ??= startPruning();
    return subscribed;
  }

  // Handled messages stay for publish deduplication until the retention has passed, as their inbox rows: the
  // trail's pruning deletes both (trail.ts).
  const startPruning = () => {
    const timer = setInterval(
      () => void trail.prune().catch((error: unknown) => report(error, { group: '(pruning)' })),
      pruneEvery(retentionMs),
    );
    timer.unref();
    return () => clearInterval(timer);
  };

  return {
    async publish(envelopes) {
      if (envelopes.length === 0) return;
      const checked = envelopes.map(checkEnvelope);
      // Written and delivered in one statement: the embedded broker's outbox is its log. In a transaction it
      // goes with the COMMIT (nothing there reads it back), as the NATS broker's outbox rows do.
      await sending(
        'tessera-embedded',
        () => destinationOf(checked, schema),
        () => checked,
        () =>
          db.atCommit(sql.publish, [
            checked.map((e) => e.id),
            checked.map((e) => e.subject),
            checked.map((e) => e.key),
            checked.map((e) => JSON.stringify(e)),
            checked.map((e) => e.correlationId),
            checked.map((e) => e.type),
          ]),
      );
    },

    subscribe,

    async lag() {
      const { rows } = await db.query<{
        group: string;
        pending: number;
        oldest: number | null;
        dead: number;
      }>(
        `SELECT g.name AS "group",
                (SELECT count(*)::int FROM ${s}.deliveries d WHERE d.group_name = g.name) AS pending,
                (SELECT extract(epoch FROM now() - min(m.published_at)) * 1000
                   FROM ${s}.deliveries d JOIN ${s}.messages m ON m.position = d.position
                  WHERE d.group_name = g.name) AS oldest,
                (SELECT count(*)::int FROM ${s}.dead_letters l WHERE l.group_name = g.name) AS dead
           FROM (SELECT DISTINCT name FROM ${s}.groups) g ORDER BY g.name`,
      );
      return rows.map((row) => ({
        group: row.group,
        pending: row.pending,
        ...(row.oldest === null ? {} : { oldestPendingMs: Math.max(0, Math.round(Number(row.oldest))) }),
        deadLetters: row.dead,
      }));
    },

    trail,

    deadLetters: {
      // No json operator on the envelope (its type is read in JavaScript): see dead-letter-rows.ts.
      ...deadLetterReads(db, {
        columns: `dl.id, dl.group_name, m.id AS message_id, m.subject, NULL AS type, dl.reason, dl.attempts,
                  dl.dead_at, m.envelope::text AS envelope`,
        from: `${s}.dead_letters dl JOIN ${s}.messages m ON m.position = dl.position`,
      }),
      async redrive(ids) {
        const uuids = ids.filter((id) => isDeadLetterId(id));
        if (uuids.length === 0) return 0;
        return db.transaction(async () => {
          const { rowCount } = await db.query(sql.redrive, [uuids]);
          if (rowCount > 0) await db.notify(channel);
          return rowCount;
        });
      },
    },

    async close() {
      stopPruning?.();
      stopPruning = undefined;
      await Promise.all([...running].map((subscribed) => subscribed.stop()));
    },
  };
}
