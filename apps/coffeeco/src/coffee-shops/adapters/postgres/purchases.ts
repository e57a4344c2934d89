import { mapPage, pageOf } from '@tessera/platform/ddd';
import { isUuid, type Queryable, rowOfUuid, timestampKey } from '@tessera/platform/sql';
import type { PurchaseRows } from '../../application/ports.js';
import type { Means } from '../../domain/means.js';
import { Money } from '../../domain/money.js';
import type { PurchaseState, PurchaseStatus } from '../../domain/purchase.js';
import { type ProductRow, productFromRow, productToRow } from './products.js';

/**
 * A purchase as `coffeeco_coffee_shops.purchases` keeps it: a type of its own, apart from the aggregate (the
 * book's `mongoPurchase`, ENT-T4), so that a column never leaks into the domain nor a domain field into a
 * table by accident. Its columns, one by one:
 *
 * | column             | holds                                                          | the book's Mongo key |
 * |--------------------|----------------------------------------------------------------|----------------------|
 * | id                 | the purchase id (client-generated UUID)                        | ID                   |
 * | store_id           | the store, by id (the book embedded the whole store)           | Store                |
 * | coffee_lover_id    | who bought, when they said                                     | (none)               |
 * | products_purchased | the products at the prices of the day: [{item_name, base_price_cents, currency}] | products_purchased |
 * | purchase_total     | what is charged, in minor units (after the discount)          | purchase_total       |
 * | currency           | the total's currency                                           | (USD implied)        |
 * | payment_means      | card, cash or coffeebux                                        | payment_means        |
 * | card_token         | the card token, to charge again after a crash                  | card_token           |
 * | status             | pending, completed or failed                                   | (none)               |
 * | charge_id          | the card provider's charge, once charged                       | (none)               |
 * | failure_code       | why it failed (card_declined, coffeebux_refused…)              | (none)               |
 * | failure_reason     | the refusal's message                                          | (none)               |
 * | created_at         | the time of the purchase                                       | created_at           |
 * | completed_at       | when it was paid                                               | (none)               |
 */
export interface PurchaseRow {
  id: string;
  store_id: string;
  coffee_lover_id: string | null;
  products_purchased: ProductRow[];
  /** bigint: the driver may give it as text. */
  purchase_total: string | number;
  currency: string;
  payment_means: string;
  card_token: string | null;
  status: string;
  charge_id: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  created_at: Date;
  completed_at: Date | null;
}

export const fromDomain = (purchase: PurchaseState): PurchaseRow => ({
  id: purchase.id,
  store_id: purchase.storeId,
  coffee_lover_id: purchase.coffeeLoverId ?? null,
  products_purchased: purchase.ProductsToPurchase.map(productToRow),
  purchase_total: purchase.total.amount,
  currency: purchase.total.currency,
  payment_means: purchase.PaymentMeans,
  card_token: purchase.CardToken ?? null,
  status: purchase.status,
  charge_id: purchase.chargeId ?? null,
  failure_code: purchase.failure?.code ?? null,
  failure_reason: purchase.failure?.reason ?? null,
  created_at: purchase.timeOfPurchase,
  completed_at: purchase.completedAt ?? null,
});

export const toDomain = (row: PurchaseRow): PurchaseState => ({
  id: row.id,
  storeId: row.store_id,
  ...(row.coffee_lover_id !== null && { coffeeLoverId: row.coffee_lover_id }),
  ProductsToPurchase: row.products_purchased.map(productFromRow),
  total: Money.of(Number(row.purchase_total), row.currency),
  PaymentMeans: row.payment_means as Means,
  ...(row.card_token !== null && { CardToken: row.card_token }),
  status: row.status as PurchaseStatus,
  ...(row.charge_id !== null && { chargeId: row.charge_id }),
  ...(row.failure_code !== null && { failure: { code: row.failure_code, reason: row.failure_reason ?? '' } }),
  timeOfPurchase: new Date(row.created_at),
  ...(row.completed_at !== null && { completedAt: new Date(row.completed_at) }),
});

const COLUMNS = `id, store_id, coffee_lover_id, products_purchased, purchase_total, currency, payment_means,
  card_token, status, charge_id, failure_code, failure_reason, created_at, completed_at`;
const TABLE = 'coffeeco_coffee_shops.purchases';

/** `coffeeco_coffee_shops.purchases`: inserted pending, then settled once (only a pending row is updated). */
export function postgresPurchases(db: Queryable): PurchaseRows {
  return {
    async find(id) {
      const row = await rowOfUuid<PurchaseRow>(db, `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`, id);
      return row && toDomain(row);
    },

    async insertPending(purchase) {
      const row = fromDomain(purchase);
      const { rowCount } = await db.query(
        `INSERT INTO ${TABLE} (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO NOTHING`,
        [
          row.id,
          row.store_id,
          row.coffee_lover_id,
          JSON.stringify(row.products_purchased),
          row.purchase_total,
          row.currency,
          row.payment_means,
          row.card_token,
          row.status,
          row.charge_id,
          row.failure_code,
          row.failure_reason,
          row.created_at,
          row.completed_at,
        ],
      );
      return rowCount === 1;
    },

    async settle(purchase) {
      const row = fromDomain(purchase);
      const { rowCount } = await db.query(
        `UPDATE ${TABLE}
            SET status = $2, charge_id = $3, failure_code = $4, failure_reason = $5, completed_at = $6
          WHERE id = $1 AND status = 'pending'`,
        [row.id, row.status, row.charge_id, row.failure_code, row.failure_reason, row.completed_at],
      );
      return rowCount === 1;
    },

    async ofCoffeeLover(coffeeLoverId, { limit, after }) {
      const [at, id] = after ?? [];
      if (!isUuid(coffeeLoverId) || (id !== undefined && !isUuid(id))) return { items: [] };
      const { rows } = await db.query<PurchaseRow & { key_at: string }>(
        `SELECT ${COLUMNS}, ${timestampKey('created_at')} AS key_at FROM ${TABLE}
          WHERE coffee_lover_id = $1
            AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $4`,
        [coffeeLoverId, at ?? null, id ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.key_at, row.id]),
        toDomain,
      );
    },
  };
}
