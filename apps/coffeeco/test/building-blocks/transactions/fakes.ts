import { signals } from '@tessera/platform/testing';
import type { TccParticipant } from '../../../src/building-blocks/transactions/try-confirm-cancel.js';
import type {
  TwoPhaseParticipant,
  Vote,
} from '../../../src/building-blocks/transactions/two-phase-commit.js';

/** A promise the test settles when it chooses: a slow answer, without a sleep. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Where a fake's message waits on its way (each way): a fast-check scheduler in the property tests. */
export type Network = (label: string) => Promise<void>;
const direct: Network = () => Promise.resolve();

export type PreparedState = 'prepared' | 'committed' | 'aborted';

export interface FakeTwoPhaseParticipant extends TwoPhaseParticipant {
  readonly states: Map<string, PreparedState>;
  /** What the protocol forbids and the fake saw: a commit of what was not prepared, a rollback of a commit. */
  readonly violations: string[];
  readonly calls: string[];
  /** Resolves once the participant has handled `call` (e.g. 'prepare T1'). */
  heard(call: string): Promise<void>;
}

/**
 * A participant in memory, with the real participants' rules: a yes holds until the decision, a rollback
 * before the prepare leaves a tombstone, commit and rollback are idempotent.
 */
export function fakeTwoPhaseParticipant(
  name: string,
  behaviour: {
    vote?: Vote | 'throw';
    /** The prepare arrives when this opens (a slow network or a slow participant). */
    arrives?: Promise<void>;
    /** So many commits fail before one succeeds (the participant's database is down for a moment). */
    failingCommits?: number;
    network?: Network;
  } = {},
): FakeTwoPhaseParticipant {
  const { vote = 'yes', network = direct } = behaviour;
  let failingCommits = behaviour.failingCommits ?? 0;
  const states = new Map<string, PreparedState>();
  const violations: string[] = [];
  const calls = signals<string>();
  const travel = async <T>(what: string, txId: string, effect: () => T): Promise<T> => {
    await network(`${what} ${txId} to ${name}`);
    let result: T;
    try {
      result = effect();
    } finally {
      calls.push(`${what} ${txId}`);
    }
    await network(`answer to ${what} ${txId} from ${name}`);
    return result;
  };
  return {
    name,
    states,
    violations,
    calls: calls.items,
    heard: (call) => calls.until((items) => items.includes(call)),
    async prepare(txId) {
      await behaviour.arrives;
      return travel('prepare', txId, (): Vote => {
        const state = states.get(txId);
        if (state) return state === 'aborted' ? 'no' : 'yes';
        if (vote === 'throw') throw new Error(`${name} is unreachable`);
        states.set(txId, vote === 'yes' ? 'prepared' : 'aborted');
        return vote;
      });
    },
    commit: (txId) =>
      travel('commit', txId, () => {
        if (failingCommits > 0) {
          failingCommits -= 1;
          throw new Error(`${name}'s database is down`);
        }
        const state = states.get(txId);
        if (state === 'committed') return;
        if (state !== 'prepared') {
          violations.push(`commit of ${txId} while ${state ?? 'never prepared'}`);
          throw new Error(`${name} cannot commit ${txId}`);
        }
        states.set(txId, 'committed');
      }),
    rollback: (txId) =>
      travel('rollback', txId, () => {
        if (states.get(txId) === 'committed') {
          violations.push(`rollback of ${txId} after its commit`);
          throw new Error(`${name} cannot roll back ${txId}`);
        }
        states.set(txId, 'aborted');
      }),
  };
}

export type HoldState = 'tried' | 'confirmed' | 'cancelled';

export interface FakeTccParticipant extends TccParticipant {
  readonly holds: Map<string, HoldState>;
  /** How many times each effect happened: a second confirm must not count. */
  readonly effects: { reserved: number; madeReal: number; released: number };
  readonly calls: string[];
}

/** A TCC participant in memory, with the real ones' rules (idempotent steps, empty cancel, anti-hanging). */
export function fakeTccParticipant(
  name: string,
  behaviour: { refuses?: boolean; failingConfirms?: number } = {},
): FakeTccParticipant {
  const holds = new Map<string, HoldState>();
  const effects = { reserved: 0, madeReal: 0, released: 0 };
  const calls: string[] = [];
  let failingConfirms = behaviour.failingConfirms ?? 0;
  return {
    name,
    holds,
    effects,
    calls,
    async try(txId) {
      calls.push(`try ${txId}`);
      const hold = holds.get(txId);
      if (hold === 'cancelled') throw new Error(`${name}: transaction ${txId} was cancelled before its try`);
      if (hold) return;
      if (behaviour.refuses) throw new Error(`${name} has nothing left to hold`);
      holds.set(txId, 'tried');
      effects.reserved += 1;
    },
    async confirm(txId) {
      calls.push(`confirm ${txId}`);
      if (failingConfirms > 0) {
        failingConfirms -= 1;
        throw new Error(`${name} is unreachable`);
      }
      const hold = holds.get(txId);
      if (hold === 'confirmed') return;
      if (hold !== 'tried') throw new Error(`${name} cannot confirm ${txId}: ${hold ?? 'not tried'}`);
      holds.set(txId, 'confirmed');
      effects.madeReal += 1;
    },
    async cancel(txId) {
      calls.push(`cancel ${txId}`);
      const hold = holds.get(txId);
      if (hold === 'cancelled') return;
      if (hold === 'confirmed') throw new Error(`${name} cannot cancel ${txId}: confirmed`);
      if (hold === 'tried') effects.released += 1;
      holds.set(txId, 'cancelled');
    },
  };
}

/**
 * A real participant seen from the coordinator's side of a network: its prepares wait for `arrives` (when
 * given) before they reach it, and each vote it gives back is noted, so that a test waits for one instead of
 * sleeping.
 */
export function observed<W>(participant: TwoPhaseParticipant<W>, arrives?: Promise<void>) {
  const votes = signals<string>();
  const wrapped: TwoPhaseParticipant<W> = {
    name: participant.name,
    async prepare(txId, work) {
      await arrives;
      const vote = await participant.prepare(txId, work);
      votes.push(`${txId}: ${vote}`);
      return vote;
    },
    commit: (txId) => participant.commit(txId),
    rollback: (txId) => participant.rollback(txId),
  };
  return { participant: wrapped, voted: (vote: string) => votes.until((items) => items.includes(vote)) };
}

/** The same participant, with its calls still under way countable: a test waits for a dead coordinator's. */
export function tracked<W>(participant: TwoPhaseParticipant<W>) {
  const pending = new Set<Promise<unknown>>();
  const track = <T>(call: Promise<T>) => {
    pending.add(call);
    void call.then(
      () => pending.delete(call),
      () => pending.delete(call),
    );
    return call;
  };
  const wrapped: TwoPhaseParticipant<W> = {
    name: participant.name,
    prepare: (txId, work) => track(participant.prepare(txId, work)),
    commit: (txId) => track(participant.commit(txId)),
    rollback: (txId) => track(participant.rollback(txId)),
  };
  return { participant: wrapped, idle: () => Promise.allSettled([...pending]) };
}
