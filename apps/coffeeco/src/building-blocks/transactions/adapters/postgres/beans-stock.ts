import { invalidArgument } from '@tessera/platform/ddd';
import { lockKey, type SqlClient } from '@tessera/platform/sql';
import type { BeansMove } from '../../beans-transfer.js';
import type { TwoPhaseParticipant, Vote } from '../../two-phase-commit.js';

const STOCK = 'coffeeco_transactions.beans_stock';
const TRANSACTIONS = 'coffeeco_transactions.beans_stock_transactions';
/** Said on every commit and rollback: a prepare waiting for the stock's lock looks again. */
const RELEASED = 'coffeeco_beans_stock_released';

export interface BeansStock {
  readonly grams: number;
  /** The prepared transaction holding this stock, if any. */
  readonly lockedBy: string | null;
}

export interface BeansStockOptions {
  /** The name the coordinator's log knows this participant by (one per database). */
  readonly name: string;
  readonly db: SqlClient;
  /**
   * 2PC-5: while another transaction holds the same stock prepared, a prepare votes no at once ('refuse', the
   * default) or waits until that transaction commits or rolls back ('wait', bounded by the coordinator's prepare
   * timeout: its rollback ends the wait with a no).
   */
  readonly whenLocked?: 'refuse' | 'wait';
  /** Told when a prepare starts waiting for the lock another transaction holds. */
  readonly onWait?: (txId: string, heldBy: string) => void;
}

export interface BeansStockParticipant extends TwoPhaseParticipant<BeansMove> {
  /** A delivery from the roaster: more grams of `beans` at `storeId`, outside any transfer. */
  stockUp(storeId: string, beans: string, grams: number): Promise<void>;
  stock(storeId: string, beans: string): Promise<BeansStock>;
  /** Prepared and not yet told the decision: locked until the coordinator (or its recovery) says. */
  inDoubt(): Promise<string[]>;
  close(): Promise<void>;
}

type Attempt = Vote | { readonly heldBy: string };

const checked = (work: BeansMove): BeansMove => {
  if (!work.storeId?.trim()) throw invalidArgument('store_required', 'a store is required', 'storeId');
  if (!work.beans?.trim()) throw invalidArgument('beans_required', 'the beans are required', 'beans');
  if (!Number.isSafeInteger(work.changeGrams) || work.changeGrams === 0) {
    throw invalidArgument('change_invalid', 'the change is a whole, non-zero number of grams', 'changeGrams');
  }
  return work;
};

/**
 * A store's beans stock as a two-phase participant, in the store's own database. Its prepared state is rows
 * (`locked_by`, beans_stock_transactions), not PostgreSQL's PREPARE TRANSACTION: see the migration and ADR 0036.
 * Every operation on one transaction id runs under that id's advisory lock, so a late prepare and the rollback
 * that overtook it cannot interleave.
 */
export function beansStockParticipant(options: BeansStockOptions): BeansStockParticipant {
  const { name, db, whenLocked = 'refuse' } = options;
  const releases = releaseWatch(db);

  const attempt = (txId: string, work: BeansMove): Promise<Attempt> =>
    db.transaction(async () => {
      await lockKey(db, `${name}:${txId}`);
      const { rows: known } = await db.query<{ state: string }>(
        `SELECT state FROM ${TRANSACTIONS} WHERE tx_id = $1`,
        [txId],
      );
      if (known[0]) return known[0].state === 'aborted' ? 'no' : 'yes'; // asked again: the same vote
      await db.query(
        `INSERT INTO ${STOCK} (store_id, beans, grams) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
        [work.storeId, work.beans],
      );
      const { rows } = await db.query<{ grams: string | number; locked_by: string | null }>(
        `SELECT grams, locked_by FROM ${STOCK} WHERE store_id = $1 AND beans = $2 FOR UPDATE`,
        [work.storeId, work.beans],
      );
      const stock = rows[0]!;
      const refuse = async (reason: string): Promise<Vote> => {
        await db.query(`INSERT INTO ${TRANSACTIONS} (tx_id, state, reason) VALUES ($1, 'aborted', $2)`, [
          txId,
          reason,
        ]);
        return 'no';
      };
      if (stock.locked_by !== null) {
        if (whenLocked === 'wait') return { heldBy: stock.locked_by };
        return refuse(`the stock is locked by transaction ${stock.locked_by}`);
      }
      if (Number(stock.grams) + work.changeGrams < 0) return refuse('not enough beans in stock');
      await db.query(`UPDATE ${STOCK} SET locked_by = $3 WHERE store_id = $1 AND beans = $2`, [
        work.storeId,
        work.beans,
        txId,
      ]);
      await db.query(
        `INSERT INTO ${TRANSACTIONS} (tx_id, state, store_id, beans, change_grams)
         VALUES ($1, 'prepared', $2, $3, $4)`,
        [txId, work.storeId, work.beans, work.changeGrams],
      );
      return 'yes';
    });

  /** Runs the end of `txId` here, under its lock; `end` gets the transaction's row (none: never prepared). */
  const ending = (
    txId: string,
    end: (
      row: { state: string; store_id: string; beans: string; change_grams: string | number } | undefined,
    ) => Promise<void>,
  ) =>
    db.transaction(async () => {
      await lockKey(db, `${name}:${txId}`);
      const { rows } = await db.query<{
        state: string;
        store_id: string;
        beans: string;
        change_grams: string | number;
      }>(`SELECT state, store_id, beans, change_grams FROM ${TRANSACTIONS} WHERE tx_id = $1`, [txId]);
      await end(rows[0]);
      await db.notify(RELEASED);
    });

  return {
    name,

    async prepare(txId, work) {
      checked(work);
      if (whenLocked === 'wait') await releases.watching();
      for (;;) {
        const seen = releases.seen();
        const result = await attempt(txId, work);
        if (typeof result === 'string') return result;
        options.onWait?.(txId, result.heldBy);
        await releases.after(seen);
      }
    },

    commit: (txId) =>
      ending(txId, async (row) => {
        if (row?.state === 'committed') return;
        if (row?.state !== 'prepared') {
          throw new Error(
            `${name} cannot commit transaction ${txId}: it is ${row ? row.state : 'not prepared'}`,
          );
        }
        await db.query(
          `UPDATE ${STOCK} SET grams = grams + $3, locked_by = NULL
            WHERE store_id = $1 AND beans = $2 AND locked_by = $4`,
          [row.store_id, row.beans, Number(row.change_grams), txId],
        );
        await db.query(
          `UPDATE ${TRANSACTIONS} SET state = 'committed', updated_at = now() WHERE tx_id = $1`,
          [txId],
        );
      }),

    rollback: (txId) =>
      ending(txId, async (row) => {
        if (row?.state === 'aborted') return;
        if (row?.state === 'committed')
          throw new Error(`${name} cannot roll back transaction ${txId}: it committed`);
        if (!row) {
          await db.query(
            `INSERT INTO ${TRANSACTIONS} (tx_id, state, reason) VALUES ($1, 'aborted', 'rolled back before its prepare')`,
            [txId],
          );
          return;
        }
        await db.query(
          `UPDATE ${STOCK} SET locked_by = NULL WHERE store_id = $1 AND beans = $2 AND locked_by = $3`,
          [row.store_id, row.beans, txId],
        );
        await db.query(`UPDATE ${TRANSACTIONS} SET state = 'aborted', updated_at = now() WHERE tx_id = $1`, [
          txId,
        ]);
      }),

    async stockUp(storeId, beans, grams) {
      if (!Number.isSafeInteger(grams) || grams <= 0) {
        throw invalidArgument('grams_invalid', 'a delivery is a whole, positive number of grams', 'grams');
      }
      await db.query(
        `INSERT INTO ${STOCK} (store_id, beans, grams) VALUES ($1, $2, $3)
         ON CONFLICT (store_id, beans) DO UPDATE SET grams = ${STOCK}.grams + excluded.grams`,
        [storeId, beans, grams],
      );
    },

    async stock(storeId, beans) {
      const { rows } = await db.query<{ grams: string | number; locked_by: string | null }>(
        `SELECT grams, locked_by FROM ${STOCK} WHERE store_id = $1 AND beans = $2`,
        [storeId, beans],
      );
      return { grams: Number(rows[0]?.grams ?? 0), lockedBy: rows[0]?.locked_by ?? null };
    },

    async inDoubt() {
      const { rows } = await db.query<{ tx_id: string }>(
        `SELECT tx_id FROM ${TRANSACTIONS} WHERE state = 'prepared' ORDER BY updated_at, tx_id`,
      );
      return rows.map((row) => row.tx_id);
    },

    close: () => releases.close(),
  };
}

/**
 * Counts the releases announced on the database, from any process: a prepare notes the count before it looks at
 * the lock, and waits for a higher one, so a release between the look and the wait is not missed.
 */
function releaseWatch(db: SqlClient) {
  let count = 0;
  let unlisten: Promise<() => Promise<void>> | undefined;
  const waiting = new Set<{ after: number; wake: () => void }>();
  return {
    watching() {
      unlisten ??= db.listen(RELEASED, () => {
        count += 1;
        for (const waiter of [...waiting]) {
          if (count > waiter.after) {
            waiting.delete(waiter);
            waiter.wake();
          }
        }
      });
      return unlisten.then(() => undefined);
    },
    seen: () => count,
    after(seen: number) {
      if (count > seen) return Promise.resolve();
      return new Promise<void>((wake) => waiting.add({ after: seen, wake }));
    },
    async close() {
      if (unlisten) await (await unlisten)();
    },
  };
}
