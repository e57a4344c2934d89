import { conflict, mapPage, pageOf } from '@tessera/platform/ddd';
import {
  lockKey,
  type Queryable,
  rowOfUuid,
  SqlState,
  sqlStateOf,
  timestampKey,
  versionedRow,
} from '@tessera/platform/sql';
import type { ShoppingListRepository, ShoppingListView } from '../../application/ports.js';
import * as ShoppingList from '../../domain/shopping-list.js';

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the shopping list was changed concurrently; reload it and try again');

interface ShoppingListRow {
  id: string;
  order_id: string;
  stops: ShoppingList.Stop[];
  status: ShoppingList.ShoppingListStatus;
  assigned_bot_id: string | null;
  version: number;
  created_at: Date;
}

const COLUMNS = 'id, order_id, stops, status, assigned_bot_id, version, created_at';

const viewOf = (row: ShoppingListRow): ShoppingListView => ({
  id: row.id,
  orderId: row.order_id,
  status: row.status,
  stops: row.stops,
  ...(row.assigned_bot_id === null ? {} : { assignedBotId: row.assigned_bot_id }),
  createdAt: row.created_at,
});

/** `depot.shopping_lists`: one row per order's list, its `version` the optimistic-concurrency token. */
export function postgresShoppingListRepository(db: Queryable): ShoppingListRepository {
  const row = (id: string) =>
    rowOfUuid<ShoppingListRow>(db, `SELECT ${COLUMNS} FROM depot.shopping_lists WHERE id = $1`, id);

  return {
    async load(id) {
      return versionedRow(await row(id), ShoppingList.aggregate.initialState, (found) => ({
        exists: true,
        orderId: found.order_id,
        stops: found.stops,
        status: found.status,
        ...(found.assigned_bot_id === null ? {} : { assignedBotId: found.assigned_bot_id }),
      }));
    },

    async save(id, state, expectedVersion) {
      let rowCount: number | undefined;
      try {
        ({ rowCount } =
          expectedVersion === 0
            ? await db.query(
                `INSERT INTO depot.shopping_lists (id, order_id, stops, status, assigned_bot_id, version)
                 VALUES ($1, $2, $3::jsonb, $4, $5, 1) ON CONFLICT (id) DO NOTHING`,
                [id, state.orderId, JSON.stringify(state.stops), state.status, state.assignedBotId ?? null],
              )
            : await db.query(
                `UPDATE depot.shopping_lists
                 SET status = $2, assigned_bot_id = $4, stops = $5::jsonb, version = version + 1,
                     updated_at = now()
                 WHERE id = $1 AND version = $3`,
                [id, state.status, expectedVersion, state.assignedBotId ?? null, JSON.stringify(state.stops)],
              ));
      } catch (error) {
        // Another list was made for the order meanwhile: retrying finds it and answers its id.
        if (sqlStateOf(error) === SqlState.uniqueViolation) throw changedConcurrently();
        throw error;
      }
      if (rowCount === 0) throw changedConcurrently();
    },

    async idOfOrder(orderId) {
      const { rows } = await db.query<{ id: string }>(
        'SELECT id FROM depot.shopping_lists WHERE order_id = $1',
        [orderId],
      );
      return rows[0]?.id;
    },

    async find(id) {
      const found = await row(id);
      return found && viewOf(found);
    },

    async withStatus(status, { limit, after }) {
      const { rows } = await db.query<ShoppingListRow & { key_at: string }>(
        `SELECT ${COLUMNS}, ${timestampKey('created_at')} AS key_at FROM depot.shopping_lists
          WHERE status = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3::uuid))
          ORDER BY created_at, id LIMIT $4`,
        [status, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.key_at, row.id]),
        viewOf,
      );
    },

    async changedAfter(position, limit) {
      const { rows } = await db.query<ShoppingListRow & { position: string }>(
        `SELECT ${COLUMNS}, position FROM depot.shopping_lists WHERE position > $1 ORDER BY position LIMIT $2`,
        [position, limit],
      );
      return rows.map((row) => ({ ...viewOf(row), position: Number(row.position) }));
    },

    lockAssignment: () => lockKey(db, 'depot.assignment'),

    async oldestAvailable() {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM depot.shopping_lists WHERE status = 'available'
         ORDER BY created_at, id LIMIT 1 FOR UPDATE`,
      );
      return rows[0]?.id;
    },
  };
}
