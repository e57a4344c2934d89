import { conflict, mapPage, pageOf } from '@tessera/platform/ddd';
import { type Queryable, SqlState, sqlStateOf, versionedRow } from '@tessera/platform/sql';
import type { BotRepository } from '../../application/ports.js';
import type { BotView } from '../../application/robot-operations.js';
import * as Bot from '../../domain/bot.js';

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the bot was changed concurrently; try again');

interface BotRow {
  id: string;
  name: string;
  online: boolean;
  session: string | null;
  status: Bot.BotStatus;
  shopping_list_id: string | null;
  phase: Bot.Phase | null;
  recall_reason: string | null;
  version: number;
  last_seen_at: Date;
}

const COLUMNS =
  'id, name, online, session, status, shopping_list_id, phase, recall_reason, version, last_seen_at';

const stateOf = (row: BotRow): Bot.State => ({
  exists: true,
  name: row.name,
  online: row.online,
  ...(row.session === null ? {} : { session: row.session }),
  ...(row.shopping_list_id === null || row.phase === null
    ? {}
    : {
        errand: {
          shoppingListId: row.shopping_list_id,
          phase: row.phase,
          ...(row.recall_reason === null ? {} : { reason: row.recall_reason }),
        },
      }),
});

const viewOf = (row: BotRow): BotView => ({
  id: row.id,
  name: row.name,
  status: row.status,
  ...(row.shopping_list_id === null ? {} : { shoppingListId: row.shopping_list_id }),
  lastSeenAt: row.last_seen_at,
});

/** `depot.bots`: one row per bot, its `version` the optimistic-concurrency token. */
export function postgresBotRepository(db: Queryable): BotRepository {
  const row = async (id: string) => {
    const { rows } = await db.query<BotRow>(`SELECT ${COLUMNS} FROM depot.bots WHERE id = $1`, [id]);
    return rows[0];
  };

  return {
    async load(id) {
      return versionedRow(await row(id), Bot.aggregate.initialState, stateOf);
    },

    async save(id, state, expectedVersion, seen = false) {
      const values = [
        id,
        state.name,
        state.online,
        state.session ?? null,
        Bot.statusOf(state),
        state.errand?.shoppingListId ?? null,
        state.errand?.phase ?? null,
        state.errand?.reason ?? null,
      ];
      let rowCount: number | undefined;
      try {
        ({ rowCount } =
          expectedVersion === 0
            ? await db.query(
                `INSERT INTO depot.bots
                   (id, name, online, session, status, shopping_list_id, phase, recall_reason, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) ON CONFLICT (id) DO NOTHING`,
                values,
              )
            : await db.query(
                `UPDATE depot.bots
                 SET name = $2, online = $3, session = $4, status = $5, shopping_list_id = $6, phase = $7,
                     recall_reason = $8, version = version + 1, updated_at = now(),
                     last_seen_at = CASE WHEN $10::boolean THEN now() ELSE last_seen_at END
                 WHERE id = $1 AND version = $9`,
                [...values, expectedVersion, seen],
              ));
      } catch (error) {
        // Another bot holds the list (the unique index): a decision made on stale rows.
        if (sqlStateOf(error) === SqlState.uniqueViolation) throw changedConcurrently();
        throw error;
      }
      if (rowCount === 0) throw changedConcurrently();
    },

    async find(id) {
      const found = await row(id);
      return found && viewOf(found);
    },

    async list({ limit, after }) {
      const { rows } = await db.query<BotRow>(
        `SELECT ${COLUMNS} FROM depot.bots WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2`,
        [after?.[0] ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.id]),
        viewOf,
      );
    },

    async changedAfter(position, limit) {
      const { rows } = await db.query<BotRow & { position: string }>(
        `SELECT ${COLUMNS}, position FROM depot.bots WHERE position > $1 ORDER BY position LIMIT $2`,
        [position, limit],
      );
      return rows.map((row) => ({ ...viewOf(row), position: Number(row.position) }));
    },

    async longestIdle() {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM depot.bots WHERE status = 'idle' ORDER BY updated_at, id LIMIT 1 FOR UPDATE`,
      );
      return rows[0]?.id;
    },

    async seen(id, session) {
      await db.query('UPDATE depot.bots SET last_seen_at = now() WHERE id = $1 AND online AND session = $2', [
        id,
        session,
      ]);
    },

    async silentSince(ms) {
      const { rows } = await db.query<{ id: string; session: string | null }>(
        `SELECT id, session FROM depot.bots
         WHERE online AND last_seen_at < now() - make_interval(secs => $1::double precision / 1000)
         ORDER BY id`,
        [ms],
      );
      return rows.map(({ id, session }) => ({ id, ...(session === null ? {} : { session }) }));
    },
  };
}
