import { conflict } from '@tessera/platform/ddd';
import { type Faults, faultGate, isCrash, noFaults, type TccCrashPoint } from './faults.js';
import { directory, OutcomeNotDelivered, type RecoveryReport } from './outcomes.js';

/**
 * Try-Confirm-Cancel (spec B.5): each participant offers a reservation state of its own. The application tries
 * every participant (each reserves, or refuses), then the transaction manager confirms them all (each turns
 * its reservation into the real thing) or cancels them all (each lets its reservation go). Unlike two-phase
 * commit, nothing is locked in a database between the calls: a reservation is ordinary, visible business data
 * (a room held, CoffeeBux on hold), which others work around.
 *
 * The manager's log says who was registered before their try is sent, and the decision before any participant
 * hears it; from it, a restarted manager finishes the job (TCC-3). The decision is written once, by the first
 * writer: a transaction that a recovery cancelled can no longer be confirmed. The protocol is here, pure; the
 * log and the participants are ports (PostgreSQL adapters in `adapters/postgres/`).
 */

export interface TccParticipant<P = unknown> {
  /** Kept in the manager's log, so that a restarted manager finds the participant again. */
  readonly name: string;
  /** Checks and reserves (throws when it cannot). Idempotent; after a cancel of `txId` it refuses (anti-hanging). */
  try(txId: string, payload: P): Promise<void>;
  /** Turns the reservation into the real thing. Idempotent: a second confirm changes nothing. */
  confirm(txId: string): Promise<void>;
  /** Lets the reservation go. Idempotent; before any try it records the cancel and does nothing else (empty cancel). */
  cancel(txId: string): Promise<void>;
}

export type TccStatus = 'trying' | 'confirming' | 'confirmed' | 'cancelling' | 'cancelled';
export type TccDecision = 'confirm' | 'cancel';
export type TccOutcome = 'confirmed' | 'cancelled';

export interface TccRecord {
  readonly txId: string;
  readonly status: TccStatus;
  /** In registration order; `registered` until the participant has acted on the decision. */
  readonly participants: ReadonlyArray<{ name: string; status: 'registered' | TccOutcome }>;
}

/** The transaction manager's durable log. */
export interface TccLog {
  /** Records a new transaction, `trying`; rejects a `txId` it already has. */
  begin(txId: string): Promise<void>;
  /** Adds a participant while the transaction is `trying` (again: nothing changes); after a decision, refuses. */
  register(txId: string, participant: string): Promise<void>;
  /** `trying` becomes `confirming` or `cancelling` unless decided already; answers the decision recorded. */
  decide(txId: string, decision: TccDecision): Promise<TccDecision>;
  /** One participant has acted on the decision. */
  acknowledge(txId: string, participant: string, outcome: TccOutcome): Promise<void>;
  /** Every participant has acted: `confirming` becomes `confirmed`, `cancelling` becomes `cancelled`. */
  finish(txId: string): Promise<void>;
  read(txId: string): Promise<TccRecord | undefined>;
  /** Not yet `confirmed` or `cancelled`, oldest first. */
  unfinished(): Promise<TccRecord[]>;
}

export interface TransactionManager {
  begin(txId: string): Promise<void>;
  /** Logs the participant before the application sends it a try, so that a crash cannot leave a hold nobody cancels. */
  register(txId: string, participant: TccParticipant): Promise<void>;
  /** Register, then try: the application's step for each participant. Throws what the try throws. */
  attempt<P>(txId: string, participant: TccParticipant<P>, payload: P): Promise<void>;
  /** Confirms every participant (TCC-1); throws if the transaction was cancelled. */
  confirmAll(txId: string): Promise<void>;
  /** Cancels every registered participant, tried or not (TCC-2); throws if the transaction was confirmed. */
  cancelAll(txId: string): Promise<void>;
  /**
   * What a restarted manager does first (TCC-3): re-sends the decision to every participant that has not
   * acknowledged it, and cancels the transactions left undecided (their application died while trying).
   */
  recover(participants: Iterable<TccParticipant>): Promise<RecoveryReport<TccOutcome>>;
}

export interface TransactionManagerOptions {
  readonly log: TccLog;
  readonly faults?: Faults<TccCrashPoint>;
}

const outcomeOf = (decision: TccDecision): TccOutcome => (decision === 'confirm' ? 'confirmed' : 'cancelled');

export function createTransactionManager(options: TransactionManagerOptions): TransactionManager {
  const { log } = options;
  const gate = faultGate(options.faults ?? noFaults);
  const known = new Map<string, TccParticipant>();

  const register = async (txId: string, participant: TccParticipant) => {
    const already = known.get(participant.name);
    if (already && already !== participant) throw new Error(`two participants are named ${participant.name}`);
    known.set(participant.name, participant);
    gate.alive();
    await log.register(txId, participant.name);
    gate.reach('afterRegister', { txId, participant: participant.name });
  };

  /** Sends the decision to every participant that has not acted on it, then closes the transaction. */
  async function finish(
    txId: string,
    decision: TccDecision,
    participants: ReadonlyMap<string, TccParticipant>,
  ) {
    gate.alive();
    const record = await log.read(txId);
    if (!record) throw new Error(`no transaction ${txId} in the log`);
    const failures: Array<{ participant: string; error: unknown }> = [];
    for (const { name, status } of record.participants) {
      if (status !== 'registered') continue;
      const participant = participants.get(name);
      gate.alive();
      try {
        if (!participant) throw new Error(`no participant named ${name} to send the ${decision} to`);
        if (decision === 'confirm') await participant.confirm(txId);
        else await participant.cancel(txId);
      } catch (error) {
        failures.push({ participant: name, error });
        continue;
      }
      gate.reach(decision === 'confirm' ? 'afterConfirm' : 'afterCancel', { txId, participant: name });
      await log.acknowledge(txId, name, outcomeOf(decision));
    }
    if (failures.length > 0) throw new OutcomeNotDelivered(txId, outcomeOf(decision), failures);
    gate.alive();
    await log.finish(txId);
  }

  async function decideAndFinish(txId: string, wanted: TccDecision) {
    gate.alive();
    const decision = await log.decide(txId, wanted);
    if (decision !== wanted) {
      throw conflict(
        `transaction_${outcomeOf(decision)}`,
        `transaction ${txId} was ${outcomeOf(decision)}; it cannot be ${outcomeOf(wanted)}`,
      );
    }
    gate.reach('afterDecision', { txId });
    await finish(txId, decision, known);
  }

  return {
    async begin(txId) {
      gate.alive();
      await log.begin(txId);
      gate.reach('afterBegin', { txId });
    },
    register,
    async attempt(txId, participant, payload) {
      await register(txId, participant);
      gate.alive();
      await participant.try(txId, payload);
      gate.reach('afterTry', { txId, participant: participant.name });
    },
    confirmAll: (txId) => decideAndFinish(txId, 'confirm'),
    cancelAll: (txId) => decideAndFinish(txId, 'cancel'),

    async recover(participants) {
      const byName = new Map([...known, ...directory(participants)]);
      const completed: Array<{ txId: string; outcome: TccOutcome }> = [];
      const failed: Array<{ txId: string; error: unknown }> = [];
      for (const record of await log.unfinished()) {
        try {
          let decision: TccDecision;
          if (record.status === 'trying') {
            // The application died before deciding: nobody will confirm, so its holds are let go.
            gate.alive();
            decision = await log.decide(record.txId, 'cancel');
            gate.reach('afterDecision', { txId: record.txId });
          } else {
            decision = record.status === 'confirming' || record.status === 'confirmed' ? 'confirm' : 'cancel';
          }
          await finish(record.txId, decision, byName);
          completed.push({ txId: record.txId, outcome: outcomeOf(decision) });
        } catch (error) {
          if (isCrash(error)) throw error;
          failed.push({ txId: record.txId, error });
        }
      }
      return { completed, failed };
    },
  };
}
