import type { Queryable } from '@tessera/platform/sql';
import type { OrderFilters, OrderSearch, OrderView } from '../../application/ports.js';
import type { OrderStatus, PlacedItem, UnavailableItem } from '../../domain/events.js';

interface OrderRow {
  order_id: string;
  customer_id: string;
  customer_name: string;
  items: PlacedItem[] | string;
  total_cents: string | number;
  status: OrderStatus;
  unavailable_items: UnavailableItem[] | string;
  created_at: Date;
  updated_at: Date;
  /** created_at as exact text, for the cursor. */
  keyset_at: string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

const toView = (row: OrderRow): OrderView => ({
  orderId: row.order_id,
  customerId: row.customer_id,
  customerName: row.customer_name,
  items: json(row.items),
  totalCents: Number(row.total_cents),
  status: row.status,
  unavailableItems: json(row.unavailable_items),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

const COLUMNS = `order_id, customer_id, customer_name, items, total_cents, status, unavailable_items, created_at,
  updated_at, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS keyset_at`;

/** The WHERE clause of the filters, numbering its parameters after those already in `params`. */
function conditionsOf(filters: OrderFilters, params: unknown[]): string[] {
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.customerId !== undefined) where.push(`customer_id = ${param(filters.customerId)}`);
  if (filters.after !== undefined) where.push(`created_at >= ${param(filters.after)}`);
  if (filters.before !== undefined) where.push(`created_at < ${param(filters.before)}`);
  // Any of the ids (&&, served by the GIN indexes); an empty list filters nothing out.
  if (filters.storeIds?.length) where.push(`store_ids && ${param(filters.storeIds)}::text[]`);
  if (filters.productIds?.length) where.push(`product_ids && ${param(filters.productIds)}::text[]`);
  if (filters.minTotalCents !== undefined) where.push(`total_cents >= ${param(filters.minTotalCents)}`);
  if (filters.maxTotalCents !== undefined) where.push(`total_cents <= ${param(filters.maxTotalCents)}`);
  if (filters.status !== undefined) where.push(`status = ${param(filters.status)}`);
  return where;
}

/**
 * Searches with a keyset, newest first: the page after a cursor is whatever sorts after its last order, so
 * orders added meanwhile never shift a page (no duplicate, no gap among those already there).
 */
export function postgresOrderSearch(db: Queryable): OrderSearch {
  return {
    async search(filters, from, limit) {
      const params: unknown[] = [];
      const where = conditionsOf(filters, params);
      if (from) {
        params.push(from.createdAt, from.orderId);
        where.push(`(created_at, order_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
      }
      params.push(limit + 1);
      const { rows } = await db.query<OrderRow>(
        `SELECT ${COLUMNS} FROM search.orders
          ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, order_id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        orders: page.map(toView),
        ...(rows.length > limit && last
          ? { next: { createdAt: last.keyset_at, orderId: last.order_id } }
          : {}),
      };
    },

    async find(orderId) {
      const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM search.orders WHERE order_id = $1`, [
        orderId,
      ]);
      return rows[0] ? toView(rows[0]) : undefined;
    },
  };
}
