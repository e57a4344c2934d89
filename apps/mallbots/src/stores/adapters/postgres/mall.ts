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

    async all() {
      const { rows } = await db.query<MallStore>(`SELECT ${COLUMNS} FROM stores.stores ORDER BY name, id`);
      return rows;
    },

    async allParticipating() {
      const { rows } = await db.query<MallStore>(
        `SELECT ${COLUMNS} FROM stores.stores WHERE participating ORDER BY name, id`,
      );
      return rows;
    },
  };
}
