import { alreadyExists, notFound } from '@tessera/platform/ddd';
import { type SqlClient, SqlState, sqlStateOf } from '@tessera/platform/sql';
import type { Decision, TwoPhaseLog, TwoPhaseRecord } from '../../two-phase-commit.js';

const LOG = 'coffeeco_transactions.two_phase_log';

interface Row {
  tx_id: string;
  participants: string[];
  decision: Decision | null;
  completed_at: Date | null;
}

const recordOf = (row: Row): TwoPhaseRecord => ({
  txId: row.tx_id,
  participants: row.participants,
  ...(row.decision ? { decision: row.decision } : {}),
  completed: row.completed_at !== null,
});

/** The coordinator's log in its own table (transactionLogMigrations); each write is one statement, durable when it resolves. */
export function postgresTwoPhaseLog(db: SqlClient): TwoPhaseLog {
  return {
    async begin(txId, participants) {
      try {
        await db.query(`INSERT INTO ${LOG} (tx_id, participants) VALUES ($1, $2::jsonb)`, [
          txId,
          JSON.stringify(participants),
        ]);
      } catch (error) {
        if (sqlStateOf(error) === SqlState.uniqueViolation) {
          throw alreadyExists('transaction_exists', `transaction ${txId} was begun already`);
        }
        throw error;
      }
    },

    async decide(txId, decision) {
      // One statement: the row lock makes a second decider wait, then see the first one's decision.
      const { rows } = await db.query<{ decision: Decision }>(
        `UPDATE ${LOG} SET decision = coalesce(decision, $2), decided_at = coalesce(decided_at, now())
          WHERE tx_id = $1 RETURNING decision`,
        [txId, decision],
      );
      if (!rows[0]) throw notFound('transaction_not_found', `no transaction ${txId} in the log`);
      return rows[0].decision;
    },

    async complete(txId) {
      await db.query(`UPDATE ${LOG} SET completed_at = coalesce(completed_at, now()) WHERE tx_id = $1`, [
        txId,
      ]);
    },

    async read(txId) {
      const { rows } = await db.query<Row>(
        `SELECT tx_id, participants, decision, completed_at FROM ${LOG} WHERE tx_id = $1`,
        [txId],
      );
      return rows[0] && recordOf(rows[0]);
    },

    async unfinished() {
      const { rows } = await db.query<Row>(
        `SELECT tx_id, participants, decision, completed_at FROM ${LOG}
          WHERE completed_at IS NULL ORDER BY begun_at, tx_id`,
      );
      return rows.map(recordOf);
    },
  };
}
