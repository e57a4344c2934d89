import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { batchPacer } from '../../pacing/batch-pacer.js';
import type { SqlClient } from '../../sql/index.js';
import { type Delivery, errorMessage, type Handling } from '../broker.js';
import { decodeEnvelope, type Envelope, PoisonMessageError } from '../envelope.js';
import { type Faults, isCrash } from '../faults.js';
import type { Inbox } from '../inbox.js';
import { messageHandlingDuration, messagesHandled } from '../metrics.js';
import type { NatsDeadLetters } from './dead-letters.js';
import type { Leases } from './leases.js';

/** What every lane of one subscription shares. */
export interface LaneContext {
  readonly group: string;
  readonly db: SqlClient;
  readonly inbox: Inbox;
  readonly deadLetters: NatsDeadLetters;
  /** The subscription's handler for one message (`handlerOfOne`). */
  readonly handleOne: (message: Envelope, delivery: Delivery) => Promise<void>;
  /** Its batch handler, when it has one (`batchHandlerOf`). */
  readonly handleBatch: ((batch: readonly Handling[]) => Promise<void>) | undefined;
  readonly maxAttempts: number;
  /** The pause before retrying after a failed attempt (`subscriptionSettings`). */
  readonly pauseAfter: (attempt: number) => number;
  /**
   * Whether the subscription wants this message: its consumer's filter may be wider, and the group may handle
   * only some types (`Subscription.types`). Unwanted, it is acknowledged without a transaction.
   */
  readonly wanted: (message: JsMsg, envelope: Envelope) => boolean;
  /** The envelope subject of a message that cannot be decoded, for its dead letter. */
  readonly subjectOf: (message: JsMsg) => string;
  readonly ackWaitMs: number;
  /** Messages taken from the lane at once, and handled in one transaction. */
  readonly batchSize: number;
  /** At most one batch per this many ms while messages keep coming, unless a whole batch waits (`Subscription.gatherMs`). */
  readonly gatherMs: number;
  readonly leases: Leases;
  /** At most the subscription's `concurrency` batches at once, across its lanes. */
  readonly slots: { acquire(): Promise<void>; release(): void };
  /** Resolves when the server has processed everything this connection sent (the naks). */
  readonly flush: () => Promise<void>;
  readonly fault: Faults;
  readonly report: (error: unknown, context: { group: string; messageId?: string; attempt?: number }) => void;
  /** A simulated crash: the whole broker instance dies. */
  readonly die: () => void;
  /**
   * The lane stopped by itself (its lease ran short or was lost, or the broker failed): it may start again.
   * `abandon`: what it held was left for JetStream to redeliver after the ack wait, not handed back.
   */
  readonly ended: (lane: number, mode: 'release' | 'abandon') => void;
}

export interface Lane {
  /**
   * `release`: finish the batch in flight, hand back what was fetched (in order), and resolve. `abandon`:
   * as a dead process, acknowledge nothing more and hand nothing back (JetStream redelivers after the ack
   * wait).
   */
  stop(mode: 'release' | 'abandon'): Promise<void>;
}

class LeaseLost extends Error {}

interface Item {
  readonly message: JsMsg;
  readonly envelope: Envelope;
  /** The attempt this handling is: JetStream's delivery count, plus the retries made while holding the lane. */
  attempt: number;
}

/**
 * Handles one lane while this member holds its lease: takes what the lane has (up to `batchSize`), and
 * handles it in one transaction with one inbox statement, then acknowledges it. When a handler fails, the
 * batch is rolled back and handled again one message at a time, and the failing message is retried with
 * backoff in place, holding the lane: the messages behind it wait, so the lane's order holds.
 */
export async function startLane(consumer: Consumer, lane: number, context: LaneContext): Promise<Lane> {
  const { group, db, inbox, leases, fault, report } = context;
  const messages: ConsumerMessages = await consumer.consume({ max_messages: context.batchSize });
  /** Taken from the lane and not yet acknowledged, handed back or terminated: kept alive while held. */
  const held: JsMsg[] = [];
  let stopping: 'release' | 'abandon' | undefined;
  let wake: (() => void) | undefined;
  let wakeRetry: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };

  const pump = (async () => {
    for await (const message of messages) {
      held.push(message);
      signal();
    }
    signal();
  })();

  // Everything held stays ours while we work through it: JetStream would redeliver it after the ack wait.
  const keepAlive = setInterval(
    () => {
      for (const message of held) message.working();
    },
    Math.max(context.ackWaitMs / 2, 50),
  );

  const settle = (message: JsMsg) => {
    const index = held.indexOf(message);
    if (index >= 0) held.splice(index, 1);
  };
  const ack = (message: JsMsg) => {
    settle(message);
    message.ack();
  };

  async function deadLetter(message: JsMsg, envelope: unknown, reason: string, attempts: number) {
    const e = envelope as Partial<Envelope> | undefined;
    await context.deadLetters.record({
      group,
      messageId:
        (typeof e?.id === 'string' && e.id) ||
        message.headers?.get('Nats-Msg-Id') ||
        String(message.info.streamSequence),
      subject: typeof e?.subject === 'string' ? e.subject : context.subjectOf(message),
      type: typeof e?.type === 'string' && attempts > 0 ? e.type : '',
      reason,
      attempts,
      envelope,
    });
    settle(message);
    message.term();
  }

  /** Decodes a batch: poison messages go to the dead letters at once, unwanted ones are acknowledged. */
  async function decode(batch: readonly JsMsg[]): Promise<Item[]> {
    const items: Item[] = [];
    for (const message of batch) {
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
        messagesHandled.inc({ group, outcome: 'dead_lettered' });
        report(error, { group });
        continue;
      }
      if (context.wanted(message, envelope))
        items.push({ message, envelope, attempt: message.info.deliveryCount });
      else ack(message);
    }
    return items;
  }

  /** Handles `items` in one transaction; on a handler's failure, returns its index and error. */
  async function handleTogether(items: readonly Item[]): Promise<{ failed?: number; error?: unknown }> {
    const stopTimer = messageHandlingDuration.startTimer({ group });
    let current = -1;
    /** The ids this transaction handled for the first time (a redelivery in the same batch counts once). */
    const handled = new Set<string>();
    try {
      await db.transaction(async () => {
        for (const { envelope } of items) fault('beforeHandle', { group, messageId: envelope.id });
        // The lease's fence and the inbox rows in one statement: one round trip less per batch.
        const recorded = await inbox.firstTimesIf(
          group,
          items.map((item) => item.envelope),
          leases.fence(lane, 4),
        );
        if (!recorded) throw new LeaseLost();
        // A redelivery can sit in the same batch as the delivery it repeats.
        const todo: Array<{ index: number; handling: Handling }> = [];
        for (let i = 0; i < items.length; i++) {
          const { envelope, attempt } = items[i]!;
          if (!recorded.has(envelope.id) || handled.has(envelope.id)) continue;
          handled.add(envelope.id);
          todo.push({ index: i, handling: { message: envelope, delivery: { attempt } } });
        }
        if (context.handleBatch && todo.length > 0) {
          // A batch handler's failure names no message, unless the batch is one.
          current = todo.length === 1 ? todo[0]!.index : -1;
          await context.handleBatch(todo.map((t) => t.handling));
          for (const { handling } of todo)
            fault('afterHandleBeforeCommit', { group, messageId: handling.message.id });
        } else {
          for (const { index, handling } of todo) {
            current = index;
            await context.handleOne(handling.message, handling.delivery);
            fault('afterHandleBeforeCommit', { group, messageId: handling.message.id });
          }
        }
        current = -1;
      });
    } catch (error) {
      if (isCrash(error) || error instanceof LeaseLost) throw error;
      return current >= 0 ? { failed: current, error } : { error };
    }
    // The time of the batch, shared out: a per-message figure that stays comparable across batch sizes.
    const seconds = stopTimer() / items.length;
    const labels = { group };
    for (let i = 0; i < handled.size; i++) messageHandlingDuration.observe(labels, seconds);
    // One increment per outcome and batch, not per message: the counter hashes its labels at each call.
    if (handled.size > 0) messagesHandled.inc({ group, outcome: 'handled' }, handled.size);
    if (items.length > handled.size)
      messagesHandled.inc({ group, outcome: 'duplicate' }, items.length - handled.size);
    for (const item of items) {
      fault('afterCommitBeforeAck', { group, messageId: item.envelope.id });
      ack(item.message);
    }
    return {};
  }

  /** A failed attempt: dead-letters the message, or waits its backoff and reports that it is to be retried. */
  async function failedAttempt(item: Item, error: unknown): Promise<'retry' | 'dead'> {
    report(error, { group, messageId: item.envelope.id, attempt: item.attempt });
    if (item.attempt >= context.maxAttempts || error instanceof PoisonMessageError) {
      await deadLetter(item.message, item.envelope, errorMessage(error), item.attempt);
      messagesHandled.inc({ group, outcome: 'dead_lettered' });
      return 'dead';
    }
    messagesHandled.inc({ group, outcome: 'retried' });
    await pause(context.pauseAfter(item.attempt));
    item.attempt++;
    return 'retry';
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wakeRetry = undefined;
    });

  /** One at a time after a failed batch: each in its own transaction, retried in place. */
  async function handleOneByOne(items: readonly Item[], failedFirst?: { index: number; error: unknown }) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (failedFirst?.index === i && (await failedAttempt(item, failedFirst.error)) === 'dead') continue;
      for (;;) {
        if (stopping) return;
        const outcome = await handleTogether([item]);
        if (!('error' in outcome)) break;
        if ((await failedAttempt(item, outcome.error)) === 'dead') break;
      }
    }
  }

  async function handleBatch(batch: readonly JsMsg[]) {
    const items = await decode(batch);
    if (items.length === 0) return;
    const outcome = await handleTogether(items);
    if (!('error' in outcome)) return;
    if (outcome.failed === undefined) {
      // The transaction itself failed (its commit, or the inbox): nothing says which message is to blame.
      report(outcome.error, { group });
      await handleOneByOne(items);
    } else {
      await handleOneByOne(items, { index: outcome.failed, error: outcome.error });
    }
  }

  let lost = false;
  const pacer = batchPacer(context.gatherMs);
  const loop = (async () => {
    while (!stopping) {
      if (held.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      // What arrives meanwhile joins the batch; a stop ends the wait.
      await pacer.next(held.length >= context.batchSize);
      if (stopping) break;
      if (!leases.mayFetch(lane)) break;
      await context.slots.acquire();
      try {
        await handleBatch(held.slice(0, context.batchSize));
      } catch (error) {
        if (isCrash(error)) {
          context.die();
          return;
        }
        if (error instanceof LeaseLost) {
          lost = true;
          break;
        }
        // The broker's own failure (recording a dead letter, say): hand the lane back to be retried.
        report(error, { group });
        break;
      } finally {
        context.slots.release();
      }
    }
  })();

  let stopped: Promise<void> | undefined;
  const lane$: Lane = {
    stop(mode) {
      stopped ??= (async () => {
        stopping ??= mode;
        signal();
        wakeRetry?.();
        pacer.hurry();
        messages.stop();
        await loop;
        // Not waiting for the pump: on a connection that closed first, its iterator may never end. What
        // reaches it from now on stays unacknowledged, and JetStream redelivers it after the ack wait.
        void pump;
        clearInterval(keepAlive);
        if (stopping === 'abandon') return;
        // In the lane's order: JetStream redelivers them before anything newer to the lane's next holder.
        for (const message of held.splice(0)) message.nak();
        await context.flush().catch(() => {});
      })();
      return stopped;
    },
  };
  // Ended by itself, not by `stop`: clean up, and let the subscription start it again if the lease allows.
  void loop.then(async () => {
    if (stopped) return;
    const mode = lost ? 'abandon' : 'release';
    await lane$.stop(mode);
    context.ended(lane, mode);
  });
  return lane$;
}
