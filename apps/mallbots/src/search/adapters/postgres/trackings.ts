import { pageOf } from '@tessera/platform/ddd';
import type { ProjectionCheckpoint } from '@tessera/platform/projections';
import { inOneSnapshot, type SqlClient, timestampKey } from '@tessera/platform/sql';
import type { AsOf, OrderTrackings, OrderTrackingView, TrackingFilter } from '../../application/ports.js';
import type { Tracking } from '../../domain/tracking.js';

interface TrackingRow {
  customer_name: string;
  tracking: Tracking | string;
  position: string | number;
  updated_at: Date;
}

const COLUMNS = 'customer_name, tracking, position, updated_at';

const toView = (row: TrackingRow): OrderTrackingView => ({
  ...(typeof row.tracking === 'string' ? (JSON.parse(row.tracking) as Tracking) : row.tracking),
  customerName: row.customer_name,
  position: Number(row.position),
  updatedAt: new Date(row.updated_at),
});

/**
 * The order tracking read model as queries read it. Lists and look-ups are read in one snapshot (REPEATABLE
 * READ) with the projection's checkpoint, so the position they answer is exactly that of the rows they show:
 * a live feed followed from it misses nothing and repeats nothing. Rows whose customer Search has not been
 * told yet are not shown: whose they are decides who may see them.
 */
export function postgresOrderTrackings(
  db: SqlClient,
  checkpoint: () => Promise<ProjectionCheckpoint>,
): OrderTrackings {
  const asOf = <T>(read: () => Promise<T>): Promise<AsOf<T>> =>
    inOneSnapshot(db, async () => {
      const { position, rebuilding } = await checkpoint();
      return { value: await read(), position, rebuilding };
    });

  return {
    list: (filter, page) =>
      asOf(async () => {
        const params: unknown[] = [];
        const param = (value: unknown) => {
          params.push(value);
          return `$${params.length}`;
        };
        const where = ["customer_id <> ''"];
        if (filter.customerId !== undefined) where.push(`customer_id = ${param(filter.customerId)}`);
        if (filter.status !== undefined) where.push(`status = ${param(filter.status)}`);
        if (page.after) {
          const [at, id] = page.after;
          where.push(`(placed_at, order_id) < (${param(at)}::timestamptz, ${param(id)})`);
        }
        const { rows } = await db.query<TrackingRow & { order_id: string; sort_key: string }>(
          `SELECT order_id, ${COLUMNS}, ${timestampKey('placed_at')} AS sort_key FROM search.order_tracking
            WHERE ${where.join(' AND ')}
            ORDER BY placed_at DESC, order_id DESC LIMIT ${param(page.limit + 1)}`,
          params,
        );
        const found = pageOf(rows, page.limit, (row) => [row.sort_key, row.order_id]);
        return { ...found, items: found.items.map(toView) };
      }),

    find: (orderId) =>
      asOf(async () => {
        const { rows } = await db.query<TrackingRow>(
          `SELECT ${COLUMNS} FROM search.order_tracking WHERE order_id = $1 AND customer_id <> ''`,
          [orderId],
        );
        return rows[0] ? toView(rows[0]) : undefined;
      }),

    async changedAfter(filter: TrackingFilter, position, limit) {
      const params: unknown[] = [position];
      const where = ["customer_id <> ''", 'position > $1'];
      if (filter.customerId !== undefined) {
        params.push(filter.customerId);
        where.push(`customer_id = $${params.length}`);
      }
      if (filter.status !== undefined) {
        params.push(filter.status);
        where.push(`statuses_entered @> ARRAY[$${params.length}]::text[]`);
      }
      params.push(limit);
      const { rows } = await db.query<TrackingRow>(
        `SELECT ${COLUMNS} FROM search.order_tracking WHERE ${where.join(' AND ')}
          ORDER BY position LIMIT $${params.length}`,
        params,
      );
      return rows.map(toView);
    },

    position: async () => (await checkpoint()).position,
  };
}
