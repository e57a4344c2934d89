import type { Envelope } from '../messaging/index.js';

/** Time as the platform reads it: the system's in production, a clock tests move by hand. */
export interface Clock {
  now(): Date;
}

/** A message to publish at a time: a deadline (a step's timeout, a reminder) or a scheduled message. */
export interface Deadline {
  /** Stable, chosen by the caller (e.g. `<saga>:<id>:<step>`), so that it can be canceled and replaced. */
  readonly id: string;
  readonly at: Date;
  /** Published through the broker when due; its id makes the publication idempotent downstream. */
  readonly envelope: Envelope;
}

/**
 * Durable deadlines. Both methods join the ambient transaction, so a deadline exists only if the work that
 * scheduled it commits, and a cancel rolls back with it. A due deadline is published exactly once, in the
 * transaction that removes it, across restarts and with several processes.
 */
export interface Deadlines {
  /** Scheduling an id that is pending replaces it. */
  schedule(deadline: Deadline): Promise<void>;
  /** False when no such deadline is pending (already fired, canceled, or never scheduled). */
  cancel(id: string): Promise<boolean>;
  /**
   * Cancels, then schedules, with the transaction's COMMIT (at once outside one): no round trip of its own,
   * and nothing answered. For a writer that owns the ids it names (a saga's step timeouts): a `schedule` or
   * `cancel` of the same id later in the same transaction would run before it.
   */
  reschedule(change: { cancel: readonly string[]; schedule: readonly Deadline[] }): Promise<void>;
}
