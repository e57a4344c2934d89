import { failedPrecondition, invalidArgument } from '@tessera/platform/ddd';
import type { SqlClient } from '@tessera/platform/sql';
import type { CoffeeBuxSpend, Money } from '../../trip-package.js';
import type { TccParticipant } from '../../try-confirm-cancel.js';
import { type HoldStatus, reservationParticipant } from './reservations.js';

const BALANCES = 'coffeeco_transactions.coffeebux_balances';
const HOLDS = 'coffeeco_transactions.coffeebux_holds';

export interface CoffeeBuxBalance {
  readonly balance: Money;
  readonly held: Money;
}

export interface CoffeeBuxHoldsParticipant extends TccParticipant<CoffeeBuxSpend> {
  /** Loads CoffeeBux onto a card (outside any trip). */
  topUp(cardId: string, amount: Money): Promise<void>;
  balance(cardId: string): Promise<CoffeeBuxBalance | undefined>;
  hold(txId: string): Promise<HoldStatus | undefined>;
}

const checked = (spend: CoffeeBuxSpend) => {
  if (!spend.cardId?.trim()) throw invalidArgument('card_required', 'a CoffeeBux card is required', 'cardId');
  if (!Number.isSafeInteger(spend.amount.amount) || spend.amount.amount <= 0) {
    throw invalidArgument('amount_invalid', 'the amount is a whole, positive number of cents', 'amount');
  }
  if (!/^[A-Z]{3}$/.test(spend.amount.currency)) {
    throw invalidArgument('currency_invalid', 'the currency is an ISO 4217 code', 'currency');
  }
  return spend;
};

/**
 * CoffeeBux on hold as a TCC participant, in the loyalty card's own database: the try puts the amount on hold
 * (it stays on the card, but cannot be spent twice), the confirm spends it, the cancel releases it.
 */
export function coffeeBuxHoldsParticipant(options: {
  name: string;
  db: SqlClient;
}): CoffeeBuxHoldsParticipant {
  const { db } = options;
  const participant = reservationParticipant<CoffeeBuxSpend>({
    ...options,
    holds: HOLDS,
    async reserve(txId, spend) {
      const { cardId, amount } = checked(spend);
      const { rowCount } = await db.query(
        `UPDATE ${BALANCES} SET held_cents = held_cents + $3
          WHERE card_id = $1 AND currency = $2 AND balance_cents - held_cents >= $3`,
        [cardId, amount.currency, amount.amount],
      );
      if (rowCount !== 1) {
        throw failedPrecondition(
          'not_enough_coffeebux',
          `not enough CoffeeBux on card ${cardId} for the trip`,
        );
      }
      await db.query(
        `INSERT INTO ${HOLDS} (tx_id, status, card_id, amount_cents, currency) VALUES ($1, 'tried', $2, $3, $4)`,
        [txId, cardId, amount.amount, amount.currency],
      );
    },
    async confirm(txId) {
      await db.query(
        `UPDATE ${BALANCES} b SET balance_cents = b.balance_cents - h.amount_cents, held_cents = b.held_cents - h.amount_cents
           FROM ${HOLDS} h WHERE h.tx_id = $1 AND b.card_id = h.card_id`,
        [txId],
      );
    },
    async release(txId) {
      await db.query(
        `UPDATE ${BALANCES} b SET held_cents = b.held_cents - h.amount_cents
           FROM ${HOLDS} h WHERE h.tx_id = $1 AND b.card_id = h.card_id`,
        [txId],
      );
    },
  });

  return {
    ...participant,
    async topUp(cardId, amount) {
      checked({ cardId, amount });
      const { rowCount } = await db.query(
        `INSERT INTO ${BALANCES} (card_id, currency, balance_cents) VALUES ($1, $2, $3)
         ON CONFLICT (card_id) DO UPDATE SET balance_cents = ${BALANCES}.balance_cents + excluded.balance_cents
         WHERE ${BALANCES}.currency = excluded.currency`,
        [cardId, amount.currency, amount.amount],
      );
      if (rowCount !== 1) {
        throw failedPrecondition('currency_mismatch', `card ${cardId} holds CoffeeBux in another currency`);
      }
    },
    async balance(cardId) {
      const { rows } = await db.query<{
        currency: string;
        balance_cents: number | string;
        held_cents: number | string;
      }>(`SELECT currency, balance_cents, held_cents FROM ${BALANCES} WHERE card_id = $1`, [cardId]);
      const row = rows[0];
      if (!row) return undefined;
      return {
        balance: { amount: Number(row.balance_cents), currency: row.currency },
        held: { amount: Number(row.held_cents), currency: row.currency },
      };
    },
  };
}
