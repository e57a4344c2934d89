import { type Faults, faultGate, isCrash, noFaults, type TwoPhaseCrashPoint } from './faults.js';
import { directory, OutcomeNotDelivered, type RecoveryReport } from './outcomes.js';
import { type Clock, systemClock, timeoutAfter } from './timeout.js';

/**
 * Two-phase commit (spec B.4): a coordinator asks every participant to promise its part (prepare), then tells
 * them all to do it (commit) or to forget it (rollback), so that "the calls to seriveA and serviceB happen none
 * or both". The protocol is here, pure: it reaches its log and its participants only through these ports
 * (PostgreSQL adapters in `adapters/postgres/`, in-memory ones in `adapters/memory-logs.ts`).
 *
 * 2PC-4, the rule we chose: presumed abort with a durable coordinator log, and no unilateral abort after a yes.
 * - A participant may vote no, or fail to answer in time, only before it has voted yes; once it has, it is in
 *   doubt and keeps its locks until it hears the decision (the "blocking protocol" of the notes).
 * - The coordinator writes its decision to its log before any participant hears it. A commit is sent only
 *   after the log says commit; no commit in the log means abort (presumed abort), so a restarted coordinator
 *   aborts whatever it finds undecided.
 * - The decision field is written once, by the first writer (`TwoPhaseLog.decide`): a slow coordinator that
 *   wants commit after a recovery has aborted reads "abort" back and rolls back. No participant can commit
 *   while another aborts the same transaction.
 */

export type Vote = 'yes' | 'no';
export type Outcome = 'committed' | 'aborted';
export type Decision = 'commit' | 'abort';

/** B.4's contract, plus a name: the log keeps names, and a restarted coordinator finds its participants by them. */
export interface TwoPhaseParticipant<W = unknown> {
  readonly name: string;
  /**
   * Checks `work` and locks what it needs, durably, then votes. Asked again for the same transaction, it repeats
   * its vote. After a rollback of the same transaction (the coordinator gave up waiting), it votes no.
   */
  prepare(txId: string, work: W): Promise<Vote>;
  /** Does the promised work and releases the locks. Idempotent; sent only after every participant voted yes. */
  commit(txId: string): Promise<void>;
  /** Releases the locks, the work undone. Idempotent; also valid before (or without) a prepare. */
  rollback(txId: string): Promise<void>;
}

/** A participant and its share of the transaction's work. */
export interface Enlisted {
  readonly participant: TwoPhaseParticipant;
  readonly work: unknown;
}

/** Pairs a participant with work of the type it takes. */
export const enlist = <W>(participant: TwoPhaseParticipant<W>, work: W): Enlisted => ({ participant, work });

export interface TwoPhaseRecord {
  readonly txId: string;
  /** Names, in the order the transaction enlisted them. */
  readonly participants: readonly string[];
  readonly decision?: Decision;
  /** Every participant has done what the decision says: the coordinator may forget the transaction. */
  readonly completed: boolean;
}

/** The coordinator's durable log. Each write is durable when its promise resolves. */
export interface TwoPhaseLog {
  /** Records a new transaction and its participants, before any prepare; rejects a `txId` it already has. */
  begin(txId: string, participants: readonly string[]): Promise<void>;
  /** Records `decision` unless one is recorded, and answers the one recorded: the first writer wins. */
  decide(txId: string, decision: Decision): Promise<Decision>;
  complete(txId: string): Promise<void>;
  read(txId: string): Promise<TwoPhaseRecord | undefined>;
  /** Begun and not completed, oldest first: what a restarted coordinator must finish. */
  unfinished(): Promise<TwoPhaseRecord[]>;
}

export interface TwoPhaseCoordinator {
  /**
   * Runs the transaction: 'committed' when every participant voted yes within `prepareTimeoutMs` (2PC-1),
   * 'aborted' when one voted no, threw, or was late (2PC-2, 2PC-3), every asked participant then rolled back.
   */
  run(
    txId: string,
    participants: readonly Enlisted[],
    options: { prepareTimeoutMs: number },
  ): Promise<Outcome>;
  /**
   * What a restarted coordinator does first (2PC-6): finishes every transaction its log has not completed,
   * committing the decided commits and aborting the rest (presumed abort). Safe to repeat: participants' commit
   * and rollback are idempotent.
   */
  recover(participants: Iterable<TwoPhaseParticipant>): Promise<RecoveryReport<Outcome>>;
}

export interface TwoPhaseCoordinatorOptions {
  readonly log: TwoPhaseLog;
  /** Whose time the prepare timeout counts on; tests pass a manual clock. */
  readonly clock?: Clock;
  readonly faults?: Faults<TwoPhaseCrashPoint>;
}

const outcomeOf = (decision: Decision): Outcome => (decision === 'commit' ? 'committed' : 'aborted');

export function createTwoPhaseCoordinator(options: TwoPhaseCoordinatorOptions): TwoPhaseCoordinator {
  const { log, clock = systemClock } = options;
  const gate = faultGate(options.faults ?? noFaults);

  /** Every vote, or the first no, or the timeout: true when all voted yes in time. */
  function collectVotes(txId: string, enlisted: readonly Enlisted[], timeoutMs: number): Promise<boolean> {
    const timeout = timeoutAfter(clock, timeoutMs);
    let settled = false;
    return new Promise<boolean>((resolve, reject) => {
      const settle = (allYes: boolean) => {
        settled = true;
        resolve(allYes);
      };
      void timeout.expired.then(() => settle(false));
      let yes = 0;
      for (const { participant, work } of enlisted) {
        const vote = Promise.resolve()
          .then(() => participant.prepare(txId, work))
          .then(
            (answer): Vote => (answer === 'yes' ? 'yes' : 'no'),
            (): Vote => 'no', // a prepare that throws cannot have promised anything
          );
        void vote.then((answer) => {
          if (settled) return; // late: the phase is over and this vote no longer counts
          try {
            gate.reach('afterPrepare', { txId, participant: participant.name });
          } catch (crash) {
            settled = true;
            reject(crash);
            return;
          }
          if (answer === 'no') settle(false);
          else if (++yes === enlisted.length) settle(true);
        });
      }
    }).finally(() => timeout.cancel());
  }

  /** Phase two: every participant hears the decision; the log forgets the transaction once all have acted on it. */
  async function complete(txId: string, decision: Decision, participants: readonly TwoPhaseParticipant[]) {
    const failures: Array<{ participant: string; error: unknown }> = [];
    await Promise.all(
      participants.map(async (participant) => {
        gate.alive();
        try {
          if (decision === 'commit') await participant.commit(txId);
          else await participant.rollback(txId);
        } catch (error) {
          failures.push({ participant: participant.name, error });
          return;
        }
        gate.reach(decision === 'commit' ? 'afterCommit' : 'afterRollback', {
          txId,
          participant: participant.name,
        });
      }),
    );
    if (failures.length > 0) throw new OutcomeNotDelivered(txId, outcomeOf(decision), failures);
    gate.alive();
    await log.complete(txId);
  }

  return {
    async run(txId, enlisted, { prepareTimeoutMs }) {
      const names = enlisted.map(({ participant }) => participant.name);
      if (names.length === 0) throw new Error('a two-phase transaction needs at least one participant');
      if (new Set(names).size !== names.length) {
        throw new Error(`a participant takes part once in a transaction: ${names.join(', ')}`);
      }
      gate.alive();
      await log.begin(txId, names);
      gate.reach('afterBegin', { txId });
      const allYes = await collectVotes(txId, enlisted, prepareTimeoutMs);
      gate.alive();
      const decision = await log.decide(txId, allYes ? 'commit' : 'abort');
      gate.reach('afterDecision', { txId });
      await complete(
        txId,
        decision,
        enlisted.map(({ participant }) => participant),
      );
      return outcomeOf(decision);
    },

    async recover(participants) {
      const byName = directory(participants);
      const completed: Array<{ txId: string; outcome: Outcome }> = [];
      const failed: Array<{ txId: string; error: unknown }> = [];
      for (const record of await log.unfinished()) {
        try {
          const missing = record.participants.filter((name) => !byName.has(name));
          if (missing.length > 0) {
            throw new Error(`no participant named ${missing.join(', ')} to recover with`);
          }
          let decision = record.decision;
          if (decision === undefined) {
            // Undecided means abort (presumed abort), written like any decision so that no one commits after it.
            gate.alive();
            decision = await log.decide(record.txId, 'abort');
            gate.reach('afterDecision', { txId: record.txId });
          }
          await complete(
            record.txId,
            decision,
            record.participants.map((name) => byName.get(name)!),
          );
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
