import { pageOf } from '@tessera/platform/ddd';
import type { InlineProjection } from '@tessera/platform/eventstore';
import type { Queryable } from '@tessera/platform/sql';
import type { MallRepository, MallStore } from '../../application/ports.js';
import { storeEventSchemas } from '../../domain/events.js';
import * as Store from '../../domain/store.js';
import { eventsOf } from '../streams.js';

const storeEvents = eventsOf<Store.Event>(Store.aggregate.name, storeEventSchemas);

/** Keeps `stores.stores` in step with the Store events, inside the transaction that appends them. */
export function mallProjection(db: Queryable): InlineProjection {
  return async (recorded) => {
    for (const { id, event } of storeEvents(recorded)) {
      switch (event.type) {
        case 'stores.StoreCreated':
          await db.query('INSERT INTO stores.stores (id, name, location) VALUES ($1, $2, $3)', [
            id,
            event.data.name,
            event.data.location,
          ]);
          break;
        case 'stores.StoreParticipationEnabled':
        case 'stores.StoreParticipationDisabled':
          await db.query('UPDATE stores.stores SET participating = $2 WHERE id = $1', [
            id,
            event.type === 'stores.StoreParticipationEnabled',
          ]);
          break;
        case 'stores.StoreRebranded':
          await db.query('UPDATE stores.stores SET name = $2 WHERE id = $1', [id, event.data.name]);
          break;
      }
    }
  };
}

const COLUMNS = 'id, name, location, participating';

export function postgresMallRepository(db: Queryable): MallRepository {
  return {
    async find(storeId) {
      const { rows } = await db.query<MallStore>(`SELECT ${COLUMNS} FROM stores.stores WHERE id = $1`, [
        storeId,
      ]);
      return rows[0];
    },

    async list({ participatingOnly }, { limit, after }) {
      const { rows } = await db.query<MallStore>(
        `SELECT ${COLUMNS} FROM stores.stores
          WHERE (participating OR NOT $1) AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
          ORDER BY name, id LIMIT $4`,
        [participatingOnly, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      return pageOf(rows, limit, (store) => [store.name, store.id]);
    },
  };
}
