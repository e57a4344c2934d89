import { localCopy, type SqlClient } from '@tessera/platform/sql';
import type { ProductInfo, StoreInfo } from '../../application/ports.js';

const CHANGES = 'depot.cache_changes';

/**
 * Depot's copies of Stores' data (`depot.stores_cache`, `depot.products_cache`): the commands look up through
 * them, the Stores event handlers keep them. Every value Depot keeps arrives absolute (no prices), so every
 * write is idempotent.
 */
export function postgresStoresCache(db: Pick<SqlClient, 'query' | 'transaction'>) {
  return {
    stores: localCopy<StoreInfo>(db, {
      table: 'depot.stores_cache',
      columns: { name: 'name', location: 'location' },
      changes: CHANGES,
    }),
    products: localCopy<ProductInfo>(db, {
      table: 'depot.products_cache',
      columns: { storeId: 'store_id', name: 'name' },
      changes: CHANGES,
    }),
  };
}

export type StoresCacheTables = ReturnType<typeof postgresStoresCache>;
