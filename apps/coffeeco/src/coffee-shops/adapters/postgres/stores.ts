import { mapPage, pageOf } from '@tessera/platform/ddd';
import { isUuid, rowOfUuid, type SqlClient } from '@tessera/platform/sql';
import type { StoreRegister } from '../../application/ports.js';
import type { Store } from '../../domain/store.js';
import { type ProductRow, productFromRow, productToRow } from './products.js';

interface StoreRow {
  id: string;
  location: string;
  products: ProductRow[];
  discount_percent: number;
}

const COLUMNS = 'id, location, products, discount_percent';

const toDomain = (row: StoreRow): Store => ({
  ID: row.id,
  Location: row.location,
  ProductsForSale: row.products.map(productFromRow),
  discountPercent: row.discount_percent,
});

/** `coffeeco_coffee_shops.stores`: one row per store, its products and its discount in it. */
export function postgresStores(db: SqlClient): StoreRegister {
  const find = async (id: string, lock = '') => {
    const row = await rowOfUuid<StoreRow>(
      db,
      `SELECT ${COLUMNS} FROM coffeeco_coffee_shops.stores WHERE id = $1 ${lock}`,
      id,
    );
    return row && toDomain(row);
  };
  return {
    async add({ ID, Location, ProductsForSale, discountPercent }) {
      await db.query(
        `INSERT INTO coffeeco_coffee_shops.stores (id, location, products, discount_percent)
         VALUES ($1, $2, $3, $4)`,
        [ID, Location, JSON.stringify(ProductsForSale.map(productToRow)), discountPercent],
      );
    },

    find: (id) => find(id),

    async list({ limit, after }) {
      const [location, id] = after ?? [];
      if (id !== undefined && !isUuid(id)) return { items: [] };
      const { rows } = await db.query<StoreRow>(
        `SELECT ${COLUMNS} FROM coffeeco_coffee_shops.stores
          WHERE $1::text IS NULL OR (location, id) > ($1, $2::uuid)
          ORDER BY location, id LIMIT $3`,
        [location ?? null, id ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.location, row.id]),
        toDomain,
      );
    },

    update: (id, change) =>
      db.transaction(async () => {
        const store = await find(id, 'FOR UPDATE');
        if (!store) return undefined;
        const changed = change(store);
        await db.query(
          `UPDATE coffeeco_coffee_shops.stores
              SET location = $2, products = $3, discount_percent = $4, updated_at = now()
            WHERE id = $1`,
          [
            id,
            changed.Location,
            JSON.stringify(changed.ProductsForSale.map(productToRow)),
            changed.discountPercent,
          ],
        );
        return changed;
      }),
  };
}
