import type { RecordedEvent } from '@tessera/platform/eventstore';
import type { Projection } from '@tessera/platform/projections';
import type { Queryable } from '@tessera/platform/sql';
import { type SearchEventData, type SearchEventType, subjectOf } from '../../domain/events.js';

export const ORDERS_PROJECTION = 'search.orders';

const dataOf = <Type extends SearchEventType>(event: RecordedEvent, _type: Type) =>
  event.data as SearchEventData<Type>;

/** Rewrites one name field of the items of the given item key, in every order that has one. */
const renameItems = (db: Queryable, key: 'productId' | 'storeId', id: string, name: string, at: Date) =>
  db.query(
    `UPDATE search.orders o
        SET items = (SELECT jsonb_agg(CASE WHEN item->>'${key}' = $1
                                           THEN jsonb_set(item, '{${key === 'productId' ? 'productName' : 'storeName'}}', to_jsonb($2::text))
                                           ELSE item END ORDER BY n)
                       FROM jsonb_array_elements(o.items) WITH ORDINALITY AS t(item, n)),
            updated_at = $3
      WHERE ${key === 'productId' ? 'product_ids' : 'store_ids'} && ARRAY[$1]::text[]`,
    [id, name, at],
  );

/** Remembers the latest name a naming event gives its subject (the stream's), in that kind's name table. */
const rememberName = async (
  db: Queryable,
  table: 'customer_names' | 'store_names' | 'product_names',
  event: RecordedEvent,
) => {
  const id = subjectOf(event.streamName);
  const { name } = event.data as SearchEventData<
    'search.CustomerNamed' | 'search.StoreNamed' | 'search.ProductNamed'
  >;
  await db.query(
    `INSERT INTO search.${table} (id, name) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
    [id, name],
  );
  return { id, name };
};

type StatusChange = SearchEventData<'search.OrderStatusChanged'>;

const applyChange = (db: Queryable, orderId: string, change: StatusChange, at: Date) =>
  db.query(
    `UPDATE search.orders
        SET status = $2,
            total_cents = COALESCE($3, total_cents),
            unavailable_items = COALESCE($4::jsonb, unavailable_items),
            updated_at = $5
      WHERE order_id = $1`,
    [
      orderId,
      change.status,
      change.totalCents ?? null,
      change.unavailableItems ? JSON.stringify(change.unavailableItems) : null,
      at,
    ],
  );

/**
 * The order search read model: Search's recorded events folded into `search.orders` and the name tables.
 * Every value written comes from the events (times included: recordedAt, never now()), so a rebuild
 * reproduces the table exactly. Names: the latest one Search was told wins, in existing rows too; an order
 * placed with a product or store Search has no name for keeps the name it was placed with.
 */
export function ordersProjection(db: Queryable): Projection {
  return {
    name: ORDERS_PROJECTION,
    async reset() {
      await db.query(
        `TRUNCATE search.orders, search.customer_names, search.store_names, search.product_names,
                  search.early_changes`,
      );
    },
    handlers: {
      async 'search.CustomerNamed'(event) {
        const { id, name } = await rememberName(db, 'customer_names', event);
        await db.query(
          `UPDATE search.orders SET customer_name = $2, updated_at = $3
            WHERE customer_id = $1 AND customer_name <> $2`,
          [id, name, event.recordedAt],
        );
      },

      async 'search.StoreNamed'(event) {
        const { id, name } = await rememberName(db, 'store_names', event);
        await renameItems(db, 'storeId', id, name, event.recordedAt);
      },

      async 'search.ProductNamed'(event) {
        const { id, name } = await rememberName(db, 'product_names', event);
        await renameItems(db, 'productId', id, name, event.recordedAt);
      },

      async 'search.OrderPlaced'(event) {
        const orderId = subjectOf(event.streamName);
        const placed = dataOf(event, 'search.OrderPlaced');
        const productIds = [...new Set(placed.items.map((item) => item.productId))];
        const storeIds = [...new Set(placed.items.map((item) => item.storeId))];
        const names = async (table: string, ids: string[]) => {
          const { rows } = await db.query<{ id: string; name: string }>(
            `SELECT id, name FROM search.${table} WHERE id = ANY($1::text[])`,
            [ids],
          );
          return new Map(rows.map((row) => [row.id, row.name]));
        };
        const productNames = await names('product_names', productIds);
        const storeNames = await names('store_names', storeIds);
        const items = placed.items.map((item) => ({
          ...item,
          productName: productNames.get(item.productId) ?? item.productName,
          storeName: storeNames.get(item.storeId) ?? item.storeName,
        }));
        await db.query(
          `INSERT INTO search.orders (order_id, customer_id, customer_name, items, total_cents, product_ids,
                                      store_ids, status, created_at, updated_at)
           VALUES ($1, $2, COALESCE((SELECT name FROM search.customer_names WHERE id = $2), ''), $3::jsonb, $4,
                   $5::text[], $6::text[], 'pending', $7, $8)
           ON CONFLICT (order_id) DO NOTHING`,
          [
            orderId,
            placed.customerId,
            JSON.stringify(items),
            placed.totalCents,
            productIds,
            storeIds,
            placed.placedAt,
            event.recordedAt,
          ],
        );
        const { rows: early } = await db.query<{ change: StatusChange; at: string; position: string }>(
          `DELETE FROM search.early_changes WHERE order_id = $1
           RETURNING change->'change' AS change, change->>'at' AS at, position`,
          [orderId],
        );
        const ordered = early.sort((a, b) => Number(a.position) - Number(b.position));
        for (const { change, at } of ordered) await applyChange(db, orderId, change, new Date(at));
      },

      async 'search.OrderStatusChanged'(event) {
        const orderId = subjectOf(event.streamName);
        const change = dataOf(event, 'search.OrderStatusChanged');
        const { rowCount } = await applyChange(db, orderId, change, event.recordedAt);
        if (rowCount === 0) {
          await db.query(
            `INSERT INTO search.early_changes (order_id, position, change) VALUES ($1, $2, $3::jsonb)
             ON CONFLICT DO NOTHING`,
            [orderId, event.position, JSON.stringify({ change, at: event.recordedAt.toISOString() })],
          );
        }
      },
    },
  };
}
