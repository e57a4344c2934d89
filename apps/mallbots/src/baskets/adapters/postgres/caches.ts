import { localCopy, type SqlClient } from '@tessera/platform/sql';
import type { ProductInfo, StoreInfo } from '../../application/ports.js';

const CHANGES = 'baskets.cache_changes';

/**
 * Baskets' copies of Stores' data (`baskets.stores_cache`, `baskets.products_cache`): the commands look up
 * through them, the Stores event handlers keep them. Prices arrive as deltas, so the rows know whether they
 * are exact (made by the first event) or fetched on a miss.
 */
export function postgresStoresCache(db: Pick<SqlClient, 'query' | 'transaction'>) {
  return {
    stores: localCopy<StoreInfo>(db, {
      table: 'baskets.stores_cache',
      columns: { name: 'name' },
      changes: CHANGES,
      exact: true,
    }),
    products: localCopy<ProductInfo>(db, {
      table: 'baskets.products_cache',
      columns: { storeId: 'store_id', name: 'name', priceCents: 'price_cents' },
      changes: CHANGES,
      exact: true,
    }),
  };
}

export type StoresCacheTables = ReturnType<typeof postgresStoresCache>;
