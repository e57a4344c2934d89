import { alreadyExists, conflict, notFound } from '@tessera/platform/ddd';
import type { TccDecision, TccLog, TccOutcome, TccRecord, TccStatus } from '../try-confirm-cancel.js';
import type { Decision, TwoPhaseLog, TwoPhaseRecord } from '../two-phase-commit.js';

/**
 * The logs in memory: what the unit tests drive the protocols with. They keep the PostgreSQL logs' rules
 * (a decision written once, registration closed by it) so that the protocol is tested against the same
 * contract; they are durable only as long as the object lives, which is what a test's "restart" needs.
 */
export function memoryTwoPhaseLog(): TwoPhaseLog {
  const records = new Map<string, TwoPhaseRecord>();
  const existing = (txId: string) => {
    const record = records.get(txId);
    if (!record) throw notFound('transaction_not_found', `no transaction ${txId} in the log`);
    return record;
  };
  return {
    async begin(txId, participants) {
      if (records.has(txId))
        throw alreadyExists('transaction_exists', `transaction ${txId} was begun already`);
      records.set(txId, { txId, participants: [...participants], completed: false });
    },
    async decide(txId, decision) {
      const record = existing(txId);
      if (record.decision) return record.decision;
      records.set(txId, { ...record, decision });
      return decision satisfies Decision;
    },
    async complete(txId) {
      records.set(txId, { ...existing(txId), completed: true });
    },
    read: async (txId) => records.get(txId),
    unfinished: async () => [...records.values()].filter((record) => !record.completed),
  };
}

export function memoryTccLog(): TccLog {
  const records = new Map<
    string,
    { status: TccStatus; participants: Map<string, 'registered' | TccOutcome> }
  >();
  const existing = (txId: string) => {
    const record = records.get(txId);
    if (!record) throw notFound('transaction_not_found', `no transaction ${txId} in the log`);
    return record;
  };
  const snapshot = (txId: string): TccRecord => {
    const { status, participants } = existing(txId);
    return {
      txId,
      status,
      participants: [...participants].map(([name, state]) => ({ name, status: state })),
    };
  };
  return {
    async begin(txId) {
      if (records.has(txId))
        throw alreadyExists('transaction_exists', `transaction ${txId} was begun already`);
      records.set(txId, { status: 'trying', participants: new Map() });
    },
    async register(txId, participant) {
      const record = existing(txId);
      if (record.participants.has(participant)) return;
      if (record.status !== 'trying') {
        throw conflict('transaction_decided', `transaction ${txId} is ${record.status}: no new participant`);
      }
      record.participants.set(participant, 'registered');
    },
    async decide(txId, decision) {
      const record = existing(txId);
      if (record.status === 'trying') record.status = decision === 'confirm' ? 'confirming' : 'cancelling';
      return (
        record.status === 'confirming' || record.status === 'confirmed' ? 'confirm' : 'cancel'
      ) satisfies TccDecision;
    },
    async acknowledge(txId, participant, outcome) {
      existing(txId).participants.set(participant, outcome);
    },
    async finish(txId) {
      const record = existing(txId);
      if (record.status === 'confirming') record.status = 'confirmed';
      if (record.status === 'cancelling') record.status = 'cancelled';
    },
    read: async (txId) => (records.has(txId) ? snapshot(txId) : undefined),
    unfinished: async () =>
      [...records.keys()]
        .map(snapshot)
        .filter((record) => record.status !== 'confirmed' && record.status !== 'cancelled'),
  };
}
