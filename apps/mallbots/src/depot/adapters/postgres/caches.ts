import { cacheFence, handledCacheEvent, type Queryable, type SqlClient } from '@tessera/platform/sql';
import type { ProductInfo, StoreInfo, StoresCache } from '../../application/ports.js';

const CHANGES = 'depot.cache_changes';

/** The read side, used by the commands: finds, and remembers what Stores answered on a miss. */
export function postgresStoresCache(db: Pick<SqlClient, 'query' | 'transaction'>): StoresCache {
  const fence = cacheFence(db, CHANGES);
  return {
    async findStore(id) {
      const { rows } = await db.query<StoreInfo>(
        'SELECT id, name, location FROM depot.stores_cache WHERE id = $1',
        [id],
      );
      return rows[0];
    },

    async findProduct(id) {
      const { rows } = await db.query<ProductInfo>(
        'SELECT id, store_id AS "storeId", name FROM depot.products_cache WHERE id = $1',
        [id],
      );
      return rows[0];
    },

    now: fence.now,

    rememberStore: (store, since) =>
      fence.remember(store.id, since, () =>
        db.query(
          'INSERT INTO depot.stores_cache (id, name, location) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
          [store.id, store.name, store.location],
        ),
      ),

    rememberProduct: (product, since) =>
      fence.remember(product.id, since, () =>
        db.query(
          'INSERT INTO depot.products_cache (id, store_id, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
          [product.id, product.storeId, product.name],
        ),
      ),
  };
}

/**
 * The write side, used by the Stores event handlers (inside the broker's transaction). Every value Depot
 * keeps arrives absolute, so every write is idempotent. A first event (StoreCreated, ProductAdded) never
 * overwrites a row: a row there already came from Stores after that event (a fetch) or is that event again
 * (a re-publication), and the later events of the key follow it in order. A handler first records that an
 * event about the id was handled, for `remember*` to see.
 */
export function postgresCacheUpdates(db: Queryable) {
  const handling = (id: string) => handledCacheEvent(db, CHANGES, id);

  return {
    async storeCreated(store: StoreInfo) {
      await handling(store.id);
      await db.query(
        `INSERT INTO depot.stores_cache (id, name, location) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [store.id, store.name, store.location],
      );
    },

    async storeRebranded(store: { id: string; name: string }) {
      await handling(store.id);
      await db.query('UPDATE depot.stores_cache SET name = $2, updated_at = now() WHERE id = $1', [
        store.id,
        store.name,
      ]);
    },

    async productAdded(product: ProductInfo) {
      await handling(product.id);
      await db.query(
        `INSERT INTO depot.products_cache (id, store_id, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
        [product.id, product.storeId, product.name],
      );
    },

    async productRebranded(product: { id: string; name: string }) {
      await handling(product.id);
      await db.query('UPDATE depot.products_cache SET name = $2, updated_at = now() WHERE id = $1', [
        product.id,
        product.name,
      ]);
    },

    async productRemoved(product: { id: string }) {
      await handling(product.id);
      await db.query('DELETE FROM depot.products_cache WHERE id = $1', [product.id]);
    },
  };
}

export type CacheUpdates = ReturnType<typeof postgresCacheUpdates>;
