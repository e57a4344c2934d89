import type { Page, PageRequest } from '../ddd/index.js';
import { type Envelope, handlingOf, handlingOfBatch } from './envelope.js';
import type { MessageTrail } from './trail.js';

/**
 * The broker port (ADR 0008): two methods, as Watermill. Every adapter (embedded in PostgreSQL, NATS
 * JetStream) passes the same conformance suite.
 */
export interface Publisher {
  /**
   * Resolves when the envelopes are durable. Inside an ambient `db.transaction` of the broker's database it
   * joins it: the messages exist only if that transaction commits (the outbox). Publishing an id that was
   * already published is a no-op.
   */
  publish(envelopes: readonly Envelope[]): Promise<void>;
}

export interface Delivery {
  /** 1 for the first attempt, then 2, 3… up to `maxAttempts`. */
  readonly attempt: number;
}

interface SubscriptionOptions {
  /**
   * Every group receives every message; the members (subscriptions) of one group compete for them. 1–64
   * letters, digits, '_' or '-' on every broker (NATS makes consumer names of it), so a system can move from
   * one broker to the other.
   */
  readonly group: string;
  /** Exact subjects, or a prefix ending in `.>` (one or more further tokens, as NATS); `>` alone is all. */
  readonly subjects: readonly string[];
  /** Default 5. */
  readonly maxAttempts?: number;
  /** The pause in ms before attempt `attempt + 1`, after attempt `attempt` failed. Default 100 · 2^(attempt−1), at most 30 s. */
  readonly backoff?: (attempt: number) => number;
  /** Handlers of this subscription running at once. Default 4. */
  readonly concurrency?: number;
  /** The module whose handlers these are, named on their spans (the host sets it for each module). */
  readonly module?: string;
  /**
   * While messages keep coming, handle at most one batch (one transaction) per this many ms, so that they
   * gather into fewer, larger ones: for a group off the path a user waits on (a search index), at the cost of
   * up to that much latency. The first message after a quiet spell is handled at once, and a backlog without
   * pause. Default 0: every message as soon as it is there.
   */
  readonly gatherMs?: number;
  /**
   * The message types the group handles, when it handles only some of what its subjects carry (`onMessages`
   * says which it has handlers for): the others are not delivered to it (embedded broker) or are acknowledged
   * without a transaction (NATS), rather than each taking a handling that drops it. Default: every type.
   */
  readonly types?: readonly string[];
}

/** A message in a batch, with its delivery. */
export interface Handling {
  readonly message: Envelope;
  readonly delivery: Delivery;
}

/**
 * A subscription has one of two handlers. `handle` takes one message at a time. `handleBatch` takes several
 * consecutive messages that the broker already holds (of one NATS partition, in order; the embedded broker
 * gives one at a time), in one transaction with their inbox rows, so that a handler can write their effects
 * in one statement (ADR 0020). Duplicates are left out before the call. When a batch fails, the broker
 * hands its messages again one at a time, so that only the failing one is retried or dead-lettered: a batch
 * handler must give the same result however its messages are split. It runs in the conversation of the
 * batch's first message, as one span linked to each message's producer.
 */
export type Subscription = SubscriptionOptions &
  (
    | {
        /**
         * Resolving acks the message; throwing retries it after `backoff`, until `maxAttempts`, then it goes
         * to the dead letters with the error's message as the reason. Messages with the same key are handled
         * one at a time, in order, within a group; different keys run in parallel.
         */
        handle(message: Envelope, delivery: Delivery): Promise<void>;
        readonly handleBatch?: never;
      }
    | {
        handleBatch(batch: readonly Handling[]): Promise<void>;
        readonly handle?: never;
      }
  );

/**
 * A subscription's handler for one message, whichever kind it has, in the message's trace context. Throws
 * (at subscribe, before anything is registered) when the subscription has neither kind of handler, or both.
 */
export function handlerOfOne(
  subscription: Subscription,
): (message: Envelope, delivery: Delivery) => Promise<void> {
  const kinds = [subscription.handle, subscription.handleBatch].filter((h) => typeof h === 'function');
  if (kinds.length !== 1)
    throw new Error('a subscription needs a handle or a handleBatch function, not both');
  if (subscription.handleBatch) {
    const handleBatch = subscription.handleBatch.bind(subscription);
    return (message, delivery) =>
      handlingOf(message, () => handleBatch([{ message, delivery }]), subscription);
  }
  const handle = subscription.handle.bind(subscription);
  return (message, delivery) => handlingOf(message, () => handle(message, delivery), subscription);
}

/** A subscription's batch handler, if it has one: one span linked to every message's producer. */
export function batchHandlerOf(
  subscription: Subscription,
): ((batch: readonly Handling[]) => Promise<void>) | undefined {
  if (!subscription.handleBatch) return undefined;
  const handleBatch = subscription.handleBatch.bind(subscription);
  return (batch) =>
    handlingOfBatch(
      batch.map((handling) => handling.message),
      () => handleBatch(batch),
      subscription,
    );
}

export interface Subscribed {
  /** Stops taking messages, waits for the handlers in flight, and stops listening. */
  stop(): Promise<void>;
}

export interface Subscriber {
  /** Resolves once the group is registered: it receives every message published from then on. */
  subscribe(subscription: Subscription): Promise<Subscribed>;
}

export interface DeadLetter {
  /** The dead letter's own id (what `redrive` takes). */
  readonly id: string;
  readonly group: string;
  readonly messageId: string;
  readonly subject: string;
  /** The envelope's type, or '' when the message is too malformed to have one. */
  readonly type: string;
  readonly reason: string;
  /** Failed attempts of the handler (0 for a poison message: the handler never saw it). */
  readonly attempts: number;
  readonly deadAt: Date;
  /** As it was stored: an Envelope, except for a poison message. */
  readonly envelope: unknown;
}

export interface DeadLetters {
  /**
   * Oldest first; of one group, or of all. `limit` caps the answer: dead letters can pile up, and the
   * operations routes and CLI show the oldest ones (the lag gives the counts).
   */
  list(group?: string, options?: { readonly limit?: number }): Promise<DeadLetter[]>;
  /**
   * A page of them, oldest first (of one group, or of all): the key is [dead at (sql's `timestampKey`), id],
   * so a walk of every page sees each dead letter that stayed once, whatever is re-driven meanwhile.
   */
  page(group: string | undefined, request: PageRequest): Promise<Page<DeadLetter>>;
  /** One dead letter by its id, or undefined (also for an id the broker could never have given). */
  get(id: string): Promise<DeadLetter | undefined>;
  /** Delivers them again to their group (attempts start again at 1). Resolves to how many were moved. */
  redrive(ids: readonly string[]): Promise<number>;
}

/** How far behind a consumer group is. */
export interface GroupLag {
  readonly group: string;
  /** Messages the group has yet to handle: waiting, in flight, or waiting for a retry. */
  readonly pending: number;
  /** How long the oldest of them has waited, in ms (when the broker knows). */
  readonly oldestPendingMs?: number;
  readonly deadLetters: number;
}

export type Broker = Publisher &
  Subscriber & {
    readonly deadLetters: DeadLetters;
    /** What this process's database recorded of each conversation: sent, handled, dead (ADR 0041). */
    readonly trail: MessageTrail;
    /** Every group the broker knows (subscribed now or before), by name. */
    lag(): Promise<GroupLag[]>;
    /** Stops every subscription (the database stays open). */
    close(): Promise<void>;
  };

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_CONCURRENCY = 4;

/** 100 ms, 200 ms, 400 ms… at most 30 s. */
export const defaultBackoff = (attempt: number): number =>
  Math.min(100 * 2 ** Math.max(0, attempt - 1), 30_000);

const TOKEN = '[A-Za-z0-9_-]+';
const SUBJECT_PATTERN = new RegExp(`^(>|${TOKEN}(\\.${TOKEN})*(\\.>)?)$`);

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a name that becomes a subject token or a consumer name: a group, a stream. */
export function checkName(kind: string, value: string): string {
  if (!NAME.test(value)) throw new Error(`${kind} "${value}" must be 1–64 letters, digits, '_' or '-'`);
  return value;
}

/** Checks a subscription's subjects: exact subjects, `prefix.>` or `>`. No `*` wildcard. */
export function checkSubjectPatterns(subjects: readonly string[]): void {
  if (subjects.length === 0) throw new Error('a subscription needs at least one subject');
  for (const subject of subjects) {
    if (!SUBJECT_PATTERN.test(subject)) {
      throw new Error(`"${subject}" is not a subject or a subject prefix ending in ".>"`);
    }
  }
}

/**
 * A subscription's settings as a broker runs them: the group and the subjects (without repeats) checked, the
 * defaults filled in, the backoff's pause never negative nor NaN, and the handler for one message. Throws
 * before anything is registered.
 */
export function subscriptionSettings(subscription: Subscription) {
  const group = checkName('group', subscription.group);
  const subjects = [...new Set(subscription.subjects)];
  checkSubjectPatterns(subjects);
  const maxAttempts = subscription.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const concurrency = subscription.concurrency ?? DEFAULT_CONCURRENCY;
  if (!(maxAttempts >= 1) || !(concurrency >= 1)) throw new Error('maxAttempts and concurrency must be ≥ 1');
  const backoff = subscription.backoff ?? defaultBackoff;
  const gatherMs = subscription.gatherMs ?? 0;
  if (!(gatherMs >= 0)) throw new Error('gatherMs must be ≥ 0');
  const types = subscription.types === undefined ? undefined : [...new Set(subscription.types)].sort();
  if (types?.some((type) => typeof type !== 'string' || type === ''))
    throw new Error('types must be non-empty strings');
  const only = types && new Set(types);
  return {
    group,
    subjects,
    maxAttempts,
    concurrency,
    gatherMs,
    types,
    /** Whether the group handles messages of this type. */
    handles: (type: string) => only === undefined || only.has(type),
    handleOne: handlerOfOne(subscription),
    /** The pause in ms before retrying after failed attempt number `attempt`. */
    pauseAfter: (attempt: number) => Math.max(0, Number(backoff(attempt)) || 0),
  };
}

/** What a broker tells its `onError` about: the group, and the message and attempt when there is one. */
export type ErrorContext = { group: string; messageId?: string; attempt?: number };

/** Calls a broker's `onError`, if any: a failing error reporter must not change what happens to the message. */
export const reporterOf =
  (onError: ((error: unknown, context: ErrorContext) => void) | undefined) =>
  (error: unknown, context: ErrorContext): void => {
    try {
      onError?.(error, context);
    } catch {
      // Nothing to do: the reporter is the place to tell.
    }
  };

/** An error's message, for a dead letter's reason (what is thrown need not be an Error). */
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The same matching as the embedded broker does in SQL, for adapters and tests. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (!pattern.endsWith('>')) return pattern === subject;
  const prefix = pattern.slice(0, -1);
  return subject.length > prefix.length && subject.startsWith(prefix);
}
