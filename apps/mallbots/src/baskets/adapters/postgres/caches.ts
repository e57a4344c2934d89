import { cacheFence, handledCacheEvent, type Queryable, type SqlClient } from '@tessera/platform/sql';
import type { ProductInfo, StoreInfo, StoresCache } from '../../application/ports.js';

const CHANGES = 'baskets.cache_changes';

/** The read side, used by the commands: finds, and remembers what Stores' API answered on a miss. */
export function postgresStoresCache(db: Pick<SqlClient, 'query' | 'transaction'>): StoresCache {
  const fence = cacheFence(db, CHANGES);
  return {
    async findStore(id) {
      const { rows } = await db.query<StoreInfo>('SELECT id, name FROM baskets.stores_cache WHERE id = $1', [
        id,
      ]);
      return rows[0];
    },

    async findProduct(id) {
      const { rows } = await db.query<ProductInfo>(
        `SELECT id, store_id AS "storeId", name, price_cents AS "priceCents"
           FROM baskets.products_cache WHERE id = $1`,
        [id],
      );
      return rows[0];
    },

    now: fence.now,

    rememberStore: (store, since) =>
      fence.remember(store.id, since, () =>
        db.query(
          'INSERT INTO baskets.stores_cache (id, name, exact) VALUES ($1, $2, false) ON CONFLICT (id) DO NOTHING',
          [store.id, store.name],
        ),
      ),

    rememberProduct: (product, since) =>
      fence.remember(product.id, since, () =>
        db.query(
          `INSERT INTO baskets.products_cache (id, store_id, name, price_cents, exact)
           VALUES ($1, $2, $3, $4, false) ON CONFLICT (id) DO NOTHING`,
          [product.id, product.storeId, product.name, product.priceCents],
        ),
      ),
  };
}

/**
 * The write side, used by the Stores event handlers (inside the broker's transaction). Every write is
 * idempotent except a price delta, which the inbox protects (one message id, one application). A handler first
 * records that an event about the id was handled, for `remember*` to see.
 */
export function postgresCacheUpdates(db: Queryable) {
  const handling = (id: string) => handledCacheEvent(db, CHANGES, id);

  return {
    /** The store's first event: an exact row, replacing a fetched one; a duplicate of it changes nothing. */
    async storeCreated(store: StoreInfo) {
      await handling(store.id);
      await db.query(
        `INSERT INTO baskets.stores_cache (id, name, exact) VALUES ($1, $2, true)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, exact = true WHERE NOT stores_cache.exact`,
        [store.id, store.name],
      );
    },

    /** An absolute value: right for any row, and events of one store arrive in order. */
    async storeRebranded(store: StoreInfo) {
      await handling(store.id);
      await db.query('UPDATE baskets.stores_cache SET name = $2 WHERE id = $1', [store.id, store.name]);
    },

    /**
     * The product's first event: an exact row, replacing a fetched one (no later event of the product can
     * have been handled before it, since a key's messages arrive in order). A duplicate of it changes nothing:
     * resetting an exact row would undo the price changes applied since.
     */
    async productAdded(product: ProductInfo) {
      await handling(product.id);
      await db.query(
        `INSERT INTO baskets.products_cache (id, store_id, name, price_cents, exact) VALUES ($1, $2, $3, $4, true)
         ON CONFLICT (id) DO UPDATE
           SET store_id = EXCLUDED.store_id, name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, exact = true
         WHERE NOT products_cache.exact`,
        [product.id, product.storeId, product.name, product.priceCents],
      );
    },

    async productRebranded(product: { id: string; name: string }) {
      await handling(product.id);
      await db.query('UPDATE baskets.products_cache SET name = $2 WHERE id = $1', [product.id, product.name]);
    },

    /**
     * A delta is right only on a row that has seen every earlier event (exact). A fetched row may or may not
     * include this change already: it is dropped, and the next look-up fetches the price again.
     */
    async productPriceChanged(change: { id: string; deltaCents: number }) {
      await handling(change.id);
      await db.query(
        'UPDATE baskets.products_cache SET price_cents = price_cents + $2 WHERE id = $1 AND exact',
        [change.id, change.deltaCents],
      );
      await db.query('DELETE FROM baskets.products_cache WHERE id = $1 AND NOT exact', [change.id]);
    },

    async productRemoved(product: { id: string }) {
      await handling(product.id);
      await db.query('DELETE FROM baskets.products_cache WHERE id = $1', [product.id]);
    },
  };
}

export type CacheUpdates = ReturnType<typeof postgresCacheUpdates>;
