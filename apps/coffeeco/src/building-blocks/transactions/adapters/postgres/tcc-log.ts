import { alreadyExists, conflict, notFound } from '@tessera/platform/ddd';
import { type SqlClient, SqlState, sqlStateOf } from '@tessera/platform/sql';
import type { TccDecision, TccLog, TccOutcome, TccRecord, TccStatus } from '../../try-confirm-cancel.js';

const TRANSACTIONS = 'coffeeco_transactions.tcc_transactions';
const PARTICIPANTS = 'coffeeco_transactions.tcc_participants';

const decisionOf = (status: TccStatus): TccDecision =>
  status === 'confirming' || status === 'confirmed' ? 'confirm' : 'cancel';

/** The transaction manager's log in its own tables (transactionLogMigrations). */
export function postgresTccLog(db: SqlClient): TccLog {
  const notInLog = (txId: string) => notFound('transaction_not_found', `no transaction ${txId} in the log`);

  async function records(where: string, params: unknown[]): Promise<TccRecord[]> {
    const { rows } = await db.query<{
      tx_id: string;
      status: TccStatus;
      participant: string | null;
      participant_status: 'registered' | TccOutcome | null;
    }>(
      `SELECT t.tx_id, t.status, p.participant, p.status AS participant_status
         FROM ${TRANSACTIONS} t LEFT JOIN ${PARTICIPANTS} p ON p.tx_id = t.tx_id
        WHERE ${where} ORDER BY t.begun_at, t.tx_id, p.position`,
      params,
    );
    const byId = new Map<
      string,
      { txId: string; status: TccStatus; participants: TccRecord['participants'][number][] }
    >();
    for (const row of rows) {
      const record = byId.get(row.tx_id) ?? { txId: row.tx_id, status: row.status, participants: [] };
      byId.set(row.tx_id, record);
      if (row.participant && row.participant_status) {
        record.participants.push({ name: row.participant, status: row.participant_status });
      }
    }
    return [...byId.values()];
  }

  return {
    async begin(txId) {
      try {
        await db.query(`INSERT INTO ${TRANSACTIONS} (tx_id) VALUES ($1)`, [txId]);
      } catch (error) {
        if (sqlStateOf(error) === SqlState.uniqueViolation) {
          throw alreadyExists('transaction_exists', `transaction ${txId} was begun already`);
        }
        throw error;
      }
    },

    register(txId, participant) {
      return db.transaction(async () => {
        // The row lock orders a registration and a decision: none joins after the transaction is decided.
        const { rows } = await db.query<{ status: TccStatus }>(
          `SELECT status FROM ${TRANSACTIONS} WHERE tx_id = $1 FOR UPDATE`,
          [txId],
        );
        const status = rows[0]?.status;
        if (!status) throw notInLog(txId);
        const { rowCount } = await db.query(
          `SELECT 1 FROM ${PARTICIPANTS} WHERE tx_id = $1 AND participant = $2`,
          [txId, participant],
        );
        if (rowCount > 0) return;
        if (status !== 'trying') {
          throw conflict('transaction_decided', `transaction ${txId} is ${status}: no new participant`);
        }
        await db.query(
          `INSERT INTO ${PARTICIPANTS} (tx_id, participant, position)
           SELECT $1, $2, count(*) FROM ${PARTICIPANTS} WHERE tx_id = $1`,
          [txId, participant],
        );
      });
    },

    async decide(txId, decision) {
      const { rows } = await db.query<{ status: TccStatus }>(
        `UPDATE ${TRANSACTIONS}
            SET status = CASE WHEN status = 'trying' THEN $2 ELSE status END,
                decided_at = coalesce(decided_at, now())
          WHERE tx_id = $1 RETURNING status`,
        [txId, decision === 'confirm' ? 'confirming' : 'cancelling'],
      );
      if (!rows[0]) throw notInLog(txId);
      return decisionOf(rows[0].status);
    },

    async acknowledge(txId, participant, outcome) {
      await db.query(`UPDATE ${PARTICIPANTS} SET status = $3 WHERE tx_id = $1 AND participant = $2`, [
        txId,
        participant,
        outcome,
      ]);
    },

    async finish(txId) {
      await db.query(
        `UPDATE ${TRANSACTIONS}
            SET status = CASE status WHEN 'confirming' THEN 'confirmed' WHEN 'cancelling' THEN 'cancelled' ELSE status END,
                finished_at = coalesce(finished_at, now())
          WHERE tx_id = $1 AND status IN ('confirming', 'cancelling', 'confirmed', 'cancelled')`,
        [txId],
      );
    },

    async read(txId) {
      return (await records('t.tx_id = $1', [txId]))[0];
    },

    unfinished: () => records('t.finished_at IS NULL', []),
  };
}
