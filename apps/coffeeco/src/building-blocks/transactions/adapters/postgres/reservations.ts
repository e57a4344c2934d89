import { conflict } from '@tessera/platform/ddd';
import { lockKey, type SqlClient } from '@tessera/platform/sql';
import type { TccParticipant } from '../../try-confirm-cancel.js';

export type HoldStatus = 'tried' | 'confirmed' | 'cancelled';

/** What differs between two TCC participants: how they reserve, make real and give back. */
export interface Reservations<P> {
  /** The name the transaction manager's log knows the participant by. */
  readonly name: string;
  readonly db: SqlClient;
  /** The holds table: `tx_id` (primary key), `status` (HoldStatus), `updated_at`, and the participant's own columns. */
  readonly holds: string;
  /** In the try's transaction: checks, reserves and inserts the `tried` hold of `txId`; throws when it cannot. */
  reserve(txId: string, payload: P): Promise<void>;
  /** In the confirm's transaction, for a `tried` hold: makes it real. */
  confirm(txId: string): Promise<void>;
  /** In the cancel's transaction, for a `tried` hold: gives it back. */
  release(txId: string): Promise<void>;
}

/**
 * The state machine every TCC participant shares, on its own database: a hold is `tried`, then `confirmed` or
 * `cancelled`, and each step is idempotent. A cancel that finds no hold records one, `cancelled` (TCC-4's empty
 * cancel), which a late try obeys (anti-hanging). Each step on one transaction id runs under that id's advisory
 * lock, so a try and the cancel that overtook it cannot interleave.
 */
export function reservationParticipant<P>(reservations: Reservations<P>): TccParticipant<P> & {
  hold(txId: string): Promise<HoldStatus | undefined>;
} {
  const { name, db, holds } = reservations;

  const step = <T>(txId: string, work: (status: HoldStatus | undefined) => Promise<T>) =>
    db.transaction(async () => {
      await lockKey(db, `${name}:${txId}`);
      const { rows } = await db.query<{ status: HoldStatus }>(
        `SELECT status FROM ${holds} WHERE tx_id = $1`,
        [txId],
      );
      return work(rows[0]?.status);
    });
  const mark = (txId: string, status: HoldStatus) =>
    db.query(`UPDATE ${holds} SET status = $2, updated_at = now() WHERE tx_id = $1`, [txId, status]);

  return {
    name,

    try: (txId, payload) =>
      step(txId, async (status) => {
        if (status === 'cancelled') {
          throw conflict('try_after_cancel', `${name}: transaction ${txId} was cancelled before its try`);
        }
        if (status) return; // tried (or confirmed) already: the same hold
        await reservations.reserve(txId, payload);
      }),

    confirm: (txId) =>
      step(txId, async (status) => {
        if (status === 'confirmed') return;
        if (status !== 'tried') {
          throw new Error(`${name} cannot confirm transaction ${txId}: it is ${status ?? 'not tried'}`);
        }
        await reservations.confirm(txId);
        await mark(txId, 'confirmed');
      }),

    cancel: (txId) =>
      step(txId, async (status) => {
        if (status === 'cancelled') return;
        if (status === 'confirmed')
          throw new Error(`${name} cannot cancel transaction ${txId}: it is confirmed`);
        if (!status) {
          await db.query(`INSERT INTO ${holds} (tx_id, status) VALUES ($1, 'cancelled')`, [txId]);
          return;
        }
        await reservations.release(txId);
        await mark(txId, 'cancelled');
      }),

    async hold(txId) {
      const { rows } = await db.query<{ status: HoldStatus }>(
        `SELECT status FROM ${holds} WHERE tx_id = $1`,
        [txId],
      );
      return rows[0]?.status;
    },
  };
}
