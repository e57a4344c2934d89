/**
 * Fault injection for the exactly-once tests (spec C.7): a broker calls its `faults` hook at each named
 * point of its pipeline, and a hook that throws `Crash` makes that broker instance behave as a process that
 * died there. It stops at once: no rollback handling, no retry recorded, no ack, no nak. What it had written
 * in an open transaction is rolled back, as the database would on a lost connection; the rest (database,
 * NATS) survives for the next instance.
 */
export type CrashPoint =
  /** In the handling's transaction, before the handler runs. */
  | 'beforeHandle'
  /** The handler has returned; its transaction has not committed. */
  | 'afterHandleBeforeCommit'
  /** The handling committed; the broker has not acknowledged the delivery (NATS only: embedded acks in the transaction). */
  | 'afterCommitBeforeAck'
  /** The relay read a batch from the outbox and published nothing yet (NATS). */
  | 'beforeRelayPublish'
  /** The relay published `published` of the batch's messages (NATS). */
  | 'midRelayPublish'
  /** The relay published the whole batch and has not removed it from the outbox (NATS). */
  | 'afterRelayPublishBeforeRemove';

export interface FaultContext {
  readonly group?: string;
  readonly messageId?: string;
  /** For `midRelayPublish`: how many of the batch were published. */
  readonly published?: number;
}

export type Faults = (point: CrashPoint, context: FaultContext) => void;

export class Crash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'Crash';
  }
}

export const isCrash = (error: unknown): error is Crash => error instanceof Crash;
