/**
 * Fault injection for the coordinator and the transaction manager: each calls its `faults` hook at every named
 * point of its protocol, and a hook that throws makes that object behave as a process that died there. From
 * then on it does nothing more (no rollback, no retry, no further log write); what it had already sent
 * still lands, as a dead process's requests would. A new object on the same databases is the restart.
 */
export type TwoPhaseCrashPoint =
  /** The transaction and its participants are in the log; nobody was asked to prepare. */
  | 'afterBegin'
  /** One participant's vote arrived (`participant` says whose). */
  | 'afterPrepare'
  /** The decision is in the log; no participant has heard it. */
  | 'afterDecision'
  /** One participant committed (`participant`). */
  | 'afterCommit'
  /** One participant rolled back (`participant`). */
  | 'afterRollback';

export type TccCrashPoint =
  /** The transaction is in the log, with no participant. */
  | 'afterBegin'
  /** A participant is in the log; its try has not been sent. */
  | 'afterRegister'
  /** A participant's try succeeded. */
  | 'afterTry'
  /** `confirming` or `cancelling` is in the log; no participant has heard it. */
  | 'afterDecision'
  /** One participant confirmed. */
  | 'afterConfirm'
  /** One participant cancelled. */
  | 'afterCancel';

export interface FaultContext {
  readonly txId: string;
  readonly participant?: string;
}

export type Faults<P extends string> = (point: P, context: FaultContext) => void;

export class Crash extends Error {
  constructor(
    readonly point: string,
    readonly context: FaultContext,
  ) {
    super(`simulated crash at ${point}${context.participant ? ` (${context.participant})` : ''}`);
    this.name = 'Crash';
  }
}

export const isCrash = (error: unknown): error is Crash => error instanceof Crash;

export const noFaults = () => {};

/**
 * What a protocol object uses to reach its hook: once a hook has thrown, every later step throws the same
 * crash, so that work still in flight inside the dead object (another participant's vote) changes nothing.
 */
export function faultGate<P extends string>(faults: Faults<P>) {
  let crashed: unknown;
  return {
    /** Throws if the object has crashed; otherwise calls the hook, which may crash it now. */
    reach(point: P, context: FaultContext) {
      this.alive();
      try {
        faults(point, context);
      } catch (error) {
        crashed = error;
        throw error;
      }
    },
    /** Throws the crash if there was one: every log write and every message goes through here first. */
    alive() {
      if (crashed !== undefined) throw crashed;
    },
  };
}
