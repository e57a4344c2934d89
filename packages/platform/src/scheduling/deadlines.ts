import { envelopeSchema } from '../messaging/envelope.js';
import { defaultBackoff, type Envelope, type Publisher } from '../messaging/index.js';
import { identifier } from '../sql/errors.js';
import type { SqlClient } from '../sql/index.js';
import { onClockChange, systemClock } from './clock.js';
import { firing, schedulingTraceHeaders } from './firing.js';
import { deadlinesFired, watchPendingDeadlines } from './metrics.js';
import type { Clock, Deadline, Deadlines } from './ports.js';
import { deadlinesChannel } from './schema.js';

export interface DeadlinesOptions {
  /** Where `deadlineMigrations(schema)` put the table. Default 'scheduling'. */
  schema?: string;
  /** Whose time decides what is due. Default the system's; tests pass a `manualClock`. */
  clock?: Clock;
  /** Deadlines published per transaction. Default 100. */
  batchSize?: number;
  /**
   * Told about what goes wrong: a failed firing (with the deadline and attempt when it failed alone) or a
   * database error of the loop. Nothing is thrown out of the loop: it retries. Default: console.error.
   */
  onError?: (error: unknown, context: { deadlineId?: string; attempt?: number }) => void;
  /** Real-time pause in ms before firing a deadline again after its attempt `attempt` failed. Default 100 · 2^(n−1), at most 30 s. */
  retryBackoff?: (attempt: number) => number;
  /**
   * When due deadlines are held by another scheduler's transaction, look again after this (real) time in case
   * that scheduler died mid-way. Default 1 s.
   */
  heldRecheckMs?: number;
  /** A safety net only: the loop wakes on each schedule (NOTIFY), on the clock's changes and at the next due time. Default 60 s. */
  idleRecheckMs?: number;
}

/** Durable deadlines with their firing loop. */
export type DeadlineScheduler = Deadlines & {
  /** Starts firing due deadlines (call it outside a transaction). Scheduling and canceling work without it. */
  start(): Promise<void>;
  /** Stops firing: waits for the pass in flight, then stops listening. */
  stop(): Promise<void>;
  /** Pending deadlines, earliest first (at most `limit`, default 100). */
  pending(options?: { readonly limit?: number }): Promise<Deadline[]>;
  get(id: string): Promise<Deadline | undefined>;
};

interface Row {
  id: string;
  at_ms: number | string;
  envelope: string;
}

/** A firing that failed; `claimed` says which deadlines it had taken (none: the database failed first). */
class FiringFailed extends Error {
  constructor(
    readonly reason: unknown,
    readonly claimed: readonly string[],
  ) {
    super('firing deadlines failed');
  }
}

// setTimeout takes at most 2^31−1 ms; a longer sleep is cut and the loop simply looks again.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const toDeadline = (row: Row): Deadline => ({
  id: row.id,
  at: new Date(Number(row.at_ms)),
  envelope: JSON.parse(row.envelope) as Envelope,
});

/**
 * Deadlines in the module's database, published through `broker` when the clock reaches them (ADR 0011).
 * The broker must publish through the same `db`, so that publishing joins the transaction that deletes the
 * deadline: the broker's outbox then makes each deadline published exactly once.
 */
export function createDeadlines(
  db: SqlClient,
  broker: Publisher,
  options: DeadlinesOptions = {},
): DeadlineScheduler {
  const schema = options.schema ?? 'scheduling';
  const s = identifier(schema);
  const channel = deadlinesChannel(schema);
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 100;
  const retryBackoff = options.retryBackoff ?? defaultBackoff;
  const heldRecheckMs = options.heldRecheckMs ?? 1_000;
  const idleRecheckMs = options.idleRecheckMs ?? 60_000;
  if (!(batchSize >= 1)) throw new Error('batchSize must be ≥ 1');
  const report: NonNullable<DeadlinesOptions['onError']> = (error, context) => {
    try {
      (options.onError ?? ((e, c) => console.error('deadline firing failed', c, e)))(error, context);
    } catch {
      // A failing reporter must not stop the loop.
    }
  };

  const atMs = `(extract(epoch FROM due_at) * 1000)::float8 AS at_ms`;
  const sql = {
    // One statement for one deadline or several (as json_to_recordset reads them; the last of an id wins, as
    // separate schedules would). Its NOTIFY (delivered on commit) tells every scheduler to re-read its next due
    // time; the payload is the earliest of them.
    schedule: `WITH scheduled AS (
        INSERT INTO ${s}.deadlines (id, due_at, envelope, trace_headers)
        SELECT DISTINCT ON (d.id) d.id, d.due_at, d.envelope, $2::json
          FROM ROWS FROM (json_to_recordset($1::json) AS (id text, due_at timestamptz, envelope json))
               WITH ORDINALITY AS d(id, due_at, envelope, n)
         ORDER BY d.id, d.n DESC
        ON CONFLICT (id) DO UPDATE
          SET due_at = excluded.due_at, envelope = excluded.envelope, scheduled_at = now(),
              trace_headers = excluded.trace_headers
        RETURNING due_at)
      SELECT pg_notify($3, (extract(epoch FROM min(due_at)) * 1000)::bigint::text) FROM scheduled HAVING count(*) > 0`,
    claim: `SELECT id, ${atMs}, envelope::text AS envelope, trace_headers::text AS trace FROM ${s}.deadlines
      WHERE due_at <= $1::timestamptz AND id <> ALL($2::text[])
      ORDER BY due_at, id LIMIT $3
      FOR UPDATE SKIP LOCKED`,
    // A firing's published deadlines, and cancels.
    remove: `DELETE FROM ${s}.deadlines WHERE id = ANY($1::text[])`,
    // Rows held by another scheduler's firing are counted: they are due, and will be gone soon.
    nextDue: `SELECT (extract(epoch FROM min(due_at)) * 1000)::float8 AS at_ms FROM ${s}.deadlines
      WHERE id <> ALL($1::text[])`,
    pending: `SELECT id, ${atMs}, envelope::text AS envelope FROM ${s}.deadlines ORDER BY due_at, id LIMIT $1`,
    get: `SELECT id, ${atMs}, envelope::text AS envelope FROM ${s}.deadlines WHERE id = $1`,
    count: `SELECT count(*)::int AS pending FROM ${s}.deadlines`,
  };

  // Deadlines whose firing failed alone, kept back (in real time) before the next try, so that one that can
  // never be published delays only itself. Per process: after a restart they are tried again at once.
  const failing = new Map<string, { attempt: number; retryAt: number }>();
  const keptBack = () => {
    const now = Date.now();
    return [...failing].filter(([, f]) => f.retryAt > now).map(([id]) => id);
  };

  let stopped = true;
  let loop: Promise<void> | undefined;
  let stopListening: (() => Promise<void>) | undefined;
  let stopWatchingClock: (() => void) | undefined;
  let stopGauge: (() => void) | undefined;
  // A generation counter, so that a wake-up arriving during a pass is not lost; and what the sleep waits for.
  let generation = 0;
  let sleeping: { until: number | undefined; wake: () => void } | undefined;
  const wake = () => {
    generation++;
    sleeping?.wake();
  };
  const onScheduled = (payload: string) => {
    const due = Number(payload);
    // Asleep until an earlier time than this deadline's: nothing to re-read. Anything else (an empty payload
    // after a reconnect, a pass in flight that may have read before this commit) looks again.
    const until = sleeping?.until;
    if (payload !== '' && until !== undefined && due >= until && until > clock.now().getTime()) return;
    wake();
  };
  const sleep = (seen: number, ms: number, until: number | undefined) =>
    new Promise<void>((resolve) => {
      if (stopped || generation !== seen) return resolve();
      const done = () => {
        clearTimeout(timer);
        sleeping = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.min(ms, MAX_TIMEOUT_MS)));
      sleeping = { until, wake: done };
    });

  /** One transaction: take due deadlines, publish them (joining it: the outbox), delete them. */
  const fire = async (limit: number) => {
    const skip = keptBack();
    const claimed: string[] = [];
    try {
      return await db.transaction(async () => {
        const now = clock.now();
        const { rows } = await db.query<Row & { trace: string | null }>(sql.claim, [
          now.toISOString(),
          skip,
          limit,
        ]);
        claimed.push(...rows.map((row) => row.id));
        if (rows.length > 0) {
          const fired = firing(rows);
          try {
            await broker.publish(fired.envelopes);
            await db.query(sql.remove, [claimed]);
          } catch (error) {
            fired.end(error);
            throw error;
          }
          fired.end();
          await db.afterCommit(() => {
            for (const id of claimed) failing.delete(id);
            deadlinesFired.inc({ schema }, rows.length);
          });
        }
        const next = await db.query<{ at_ms: number | string | null }>(sql.nextDue, [skip]);
        const at = next.rows[0]?.at_ms;
        return {
          fired: rows.length,
          nextDue: at === null || at === undefined ? undefined : Number(at),
          keptBack: skip,
          takenAt: now.getTime(),
        };
      });
    } catch (error) {
      throw new FiringFailed(error, claimed);
    }
  };

  const run = async () => {
    let pause = 50;
    // After a batch failed, its deadlines are fired one per transaction, to find the one that fails.
    let oneByOne = 0;
    while (!stopped) {
      const seen = generation;
      const limit = oneByOne > 0 ? 1 : batchSize;
      let outcome: Awaited<ReturnType<typeof fire>>;
      try {
        outcome = await fire(limit);
        pause = 50;
        if (oneByOne > 0 && outcome.fired > 0) oneByOne--;
      } catch (error) {
        const { reason, claimed } = error as FiringFailed;
        if (claimed.length === 1) {
          const id = claimed[0]!;
          const attempt = (failing.get(id)?.attempt ?? 0) + 1;
          failing.set(id, { attempt, retryAt: Date.now() + Math.max(0, Number(retryBackoff(attempt)) || 0) });
          report(reason, { deadlineId: id, attempt });
          if (oneByOne > 0) oneByOne--;
          continue;
        }
        report(reason, {});
        if (claimed.length > 1) {
          oneByOne = claimed.length;
          continue;
        }
        // The database failed before anything was taken: wait, longer each time, and try again.
        await sleep(seen, pause, undefined);
        pause = Math.min(pause * 2, 5_000);
        continue;
      }
      if (outcome.fired === limit) continue; // more may be due: look again at once
      // What this pass kept back is due again when its retry time comes, which may already have passed.
      const untilRetry = Math.min(
        ...outcome.keptBack.map((id) => Math.max(0, (failing.get(id)?.retryAt ?? 0) - Date.now())),
      );
      const { nextDue, takenAt } = outcome;
      // Due when this pass took rows, yet not taken: another scheduler holds it, and deletes it when it commits.
      const dueMs =
        nextDue === undefined
          ? Number.POSITIVE_INFINITY
          : nextDue <= takenAt
            ? heldRecheckMs
            : nextDue - clock.now().getTime();
      await sleep(seen, Math.min(dueMs, untilRetry, idleRecheckMs), outcome.nextDue);
    }
  };

  /** The parameters of `sql.schedule`, each deadline checked: a valid envelope, a time, an id. */
  const scheduleParams = (deadlines: readonly Deadline[]) => {
    const rows = deadlines.map((deadline) => {
      const envelope = envelopeSchema.parse(deadline.envelope);
      if (!Number.isFinite(deadline.at.getTime()))
        throw new Error(`deadline ${deadline.id} has an invalid time`);
      if (deadline.id.length === 0) throw new Error('a deadline needs an id');
      return { id: deadline.id, due_at: deadline.at.toISOString(), envelope };
    });
    return [JSON.stringify(rows), schedulingTraceHeaders(), channel];
  };
  const forgetFailuresAtCommit = (ids: readonly string[]) =>
    db.afterCommit(() => {
      for (const id of ids) failing.delete(id);
    });

  const read = async (text: string, params: unknown[]) =>
    (await db.query<Row>(text, params)).rows.map(toDeadline);

  return {
    async schedule(deadline) {
      await db.query(sql.schedule, scheduleParams([deadline]));
      // A new version of a deadline that kept failing gets its own first try.
      await forgetFailuresAtCommit([deadline.id]);
    },

    async cancel(id) {
      const { rowCount } = await db.query(sql.remove, [[id]]);
      await forgetFailuresAtCommit([id]);
      return rowCount > 0;
    },

    async reschedule(change) {
      const params = scheduleParams(change.schedule);
      // Both with the COMMIT, the cancels first: what separate calls in that order would leave.
      if (change.cancel.length > 0) await db.atCommit(sql.remove, [change.cancel]);
      if (change.schedule.length > 0) await db.atCommit(sql.schedule, params);
      await forgetFailuresAtCommit([...change.cancel, ...change.schedule.map((deadline) => deadline.id)]);
    },

    pending: (pendingOptions) => read(sql.pending, [pendingOptions?.limit ?? 100]),

    get: async (id) => (await read(sql.get, [id]))[0],

    async start() {
      if (!stopped) return;
      // The loop would inherit the ambient transaction and fire every deadline inside it.
      if (db.inTransaction()) throw new Error('call start outside a transaction');
      stopped = false;
      // Listening before the first pass: a schedule committed in between still wakes the loop.
      stopListening = await db.listen(channel, onScheduled);
      stopWatchingClock = onClockChange(clock, wake);
      stopGauge = watchPendingDeadlines(async () => [
        { schema, pending: (await db.query<{ pending: number }>(sql.count)).rows[0]?.pending ?? 0 },
      ]);
      loop = run();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      wake();
      await loop;
      stopGauge?.();
      stopWatchingClock?.();
      await stopListening?.();
    },
  };
}
