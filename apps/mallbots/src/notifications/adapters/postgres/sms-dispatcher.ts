import { defaultBackoff } from '@tessera/platform/messaging';
import { contextOfHeaders, runInContext } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import type { SmsSender } from '../../application/ports.js';
import type { Kind } from '../../domain/notification.js';
import { countNotification } from '../observability/metrics.js';
import { SMS_QUEUED_CHANNEL } from './history.js';

export interface SmsDispatcherOptions {
  /** Attempts before a notification is `failed` (default 5). */
  maxAttempts?: number;
  /** The pause in ms before attempt `attempt + 1` after attempt `attempt` failed (default 100 · 2^(n−1), ≤ 30 s). */
  retryBackoff?: (attempt: number) => number;
  /**
   * How long an attempt holds its notification (default 60 s): a dispatcher that died between sending and
   * marking it sent leaves it queued, and another (or the next start) sends it again after this, with the same
   * idempotency key. Longer than a send can take.
   */
  leaseMs?: number;
  /** Queued notifications read per pass (default 50). */
  batchSize?: number;
  /** A safety net only: the loop wakes on each queued notification (NOTIFY) and at the next retry. Default 60 s. */
  idleRecheckMs?: number;
  /** Told about what goes wrong; nothing is thrown out of the loop. */
  onError?: (error: unknown, context: { notificationId?: string; attempt?: number }) => void;
}

export interface SmsDispatcher {
  /** Starts sending (call it outside a transaction). */
  start(): Promise<void>;
  /** Waits for the pass in flight, then stops listening. */
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  kind: Kind;
  sms_number: string;
  body: string;
  attempts: number;
  traceparent: string | null;
  tracestate: string | null;
}

// setTimeout takes at most 2^31−1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 1000) || 'the SMS provider failed';

/**
 * Sends queued notifications through `sender` (the history is the outbox). Each send runs outside any
 * transaction, as a call to a remote provider must: claim (a lease, counted as an attempt), send with the
 * notification id as the idempotency key, then mark it sent; a failure waits `retryBackoff` before the next
 * attempt, and the last one marks it failed with the reason. A crash after the provider accepted the SMS but
 * before it was marked sent sends it again once the lease ends; the provider keeps one message per key.
 */
export function createSmsDispatcher(
  db: SqlClient,
  sender: SmsSender,
  options: SmsDispatcherOptions = {},
): SmsDispatcher {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBackoff = options.retryBackoff ?? defaultBackoff;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 50;
  const idleRecheckMs = options.idleRecheckMs ?? 60_000;
  const report: NonNullable<SmsDispatcherOptions['onError']> = (error, context) => {
    try {
      (options.onError ?? ((e, c) => console.error('sending an SMS failed', c, e)))(error, context);
    } catch {
      // A failing reporter must not stop the loop.
    }
  };

  const sql = {
    due: `SELECT id FROM notifications.notifications
           WHERE status = 'queued' AND next_attempt_at <= clock_timestamp()
           ORDER BY next_attempt_at, id LIMIT $1`,
    // Only one dispatcher wins a notification: the condition is re-checked on the row it updates.
    claim: `UPDATE notifications.notifications
               SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2 * interval '1 millisecond',
                   updated_at = now()
             WHERE id = $1 AND status = 'queued' AND next_attempt_at <= clock_timestamp()
         RETURNING id, kind, sms_number, body, attempts, traceparent, tracestate`,
    sent: `UPDATE notifications.notifications
              SET status = 'sent', sent_at = clock_timestamp(), last_error = NULL, updated_at = now()
            WHERE id = $1 AND status = 'queued'`,
    retry: `UPDATE notifications.notifications
               SET next_attempt_at = clock_timestamp() + $2 * interval '1 millisecond', last_error = $3,
                   updated_at = now()
             WHERE id = $1 AND status = 'queued'`,
    failed: `UPDATE notifications.notifications
                SET status = 'failed', last_error = $2, updated_at = now()
              WHERE id = $1 AND status = 'queued'`,
    nextDue: `SELECT (extract(epoch FROM (min(next_attempt_at) - clock_timestamp())) * 1000)::float8 AS ms
                FROM notifications.notifications WHERE status = 'queued'`,
  };

  const dispatch = async (id: string) => {
    const { rows } = await db.query<Claimed>(sql.claim, [id, leaseMs]);
    const claimed = rows[0];
    if (!claimed) return; // another dispatcher has it, or it is no longer queued
    try {
      // In the trace of the handling that queued it: the order's.
      const queuedIn = contextOfHeaders({
        ...(claimed.traceparent && { traceparent: claimed.traceparent }),
        ...(claimed.tracestate && { tracestate: claimed.tracestate }),
      });
      await runInContext(queuedIn, () =>
        sender.send({ idempotencyKey: claimed.id, to: claimed.sms_number, text: claimed.body }),
      );
    } catch (error) {
      const reason = reasonOf(error);
      report(error, { notificationId: id, attempt: claimed.attempts });
      if (claimed.attempts >= maxAttempts) {
        const { rowCount } = await db.query(sql.failed, [id, reason]);
        if (rowCount > 0) countNotification(claimed.kind, 'failed');
      } else {
        const pause = Math.max(0, Number(retryBackoff(claimed.attempts)) || 0);
        const { rowCount } = await db.query(sql.retry, [id, pause, reason]);
        if (rowCount > 0) countNotification(claimed.kind, 'retried');
      }
      return;
    }
    const { rowCount } = await db.query(sql.sent, [id]);
    if (rowCount > 0) countNotification(claimed.kind, 'sent');
  };

  /** One pass: what is due, one at a time; then how long until the next is due (ms; undefined: none). */
  const pass = async (): Promise<number | undefined> => {
    const { rows } = await db.query<{ id: string }>(sql.due, [batchSize]);
    for (const { id } of rows) {
      if (stopped) return undefined;
      await dispatch(id);
    }
    if (rows.length === batchSize) return 0;
    const next = (await db.query<{ ms: number | string | null }>(sql.nextDue)).rows[0]?.ms;
    return next === null || next === undefined ? undefined : Math.max(0, Number(next));
  };

  let stopped = true;
  let loop: Promise<void> | undefined;
  let stopListening: (() => Promise<void>) | undefined;
  // A generation counter, so that a wake-up arriving during a pass is not lost.
  let generation = 0;
  let wakeSleeper: (() => void) | undefined;
  const wake = () => {
    generation++;
    wakeSleeper?.();
  };
  const sleep = (seen: number, ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped || generation !== seen) return resolve();
      const done = () => {
        clearTimeout(timer);
        wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.min(ms, MAX_TIMEOUT_MS)));
      wakeSleeper = done;
    });

  const run = async () => {
    let pause = 50;
    while (!stopped) {
      const seen = generation;
      let untilNext: number | undefined;
      try {
        untilNext = await pass();
        pause = 50;
      } catch (error) {
        // The database failed: wait, longer each time, and look again.
        report(error, {});
        await sleep(seen, pause);
        pause = Math.min(pause * 2, 5_000);
        continue;
      }
      if (untilNext === 0) continue;
      await sleep(seen, Math.min(untilNext ?? idleRecheckMs, idleRecheckMs));
    }
  };

  return {
    async start() {
      if (!stopped) return;
      // The loop would inherit the ambient transaction, and send inside it.
      if (db.inTransaction()) throw new Error('call start outside a transaction');
      stopped = false;
      // Listening before the first pass: a notification committed in between still wakes the loop.
      stopListening = await db.listen(SMS_QUEUED_CHANNEL, wake);
      loop = run();
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      wake();
      await loop;
      await stopListening?.();
    },
  };
}
