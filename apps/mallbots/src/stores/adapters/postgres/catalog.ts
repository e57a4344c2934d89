import { pageOf } from '@tessera/platform/ddd';
import type { InlineProjection } from '@tessera/platform/eventstore';
import type { Queryable } from '@tessera/platform/sql';
import type { CatalogProduct, CatalogRepository } from '../../application/ports.js';
import { productEventSchemas } from '../../domain/events.js';
import * as Product from '../../domain/product.js';
import { eventsOf } from '../streams.js';

const productEvents = eventsOf<Product.Event>(Product.aggregate.name, productEventSchemas);

/** Keeps `stores.products` in step with the Product events, inside the transaction that appends them. */
export function catalogProjection(db: Queryable): InlineProjection {
  return async (recorded) => {
    for (const { id, event } of productEvents(recorded)) {
      switch (event.type) {
        case 'stores.ProductAdded': {
          const { storeId, name, description, sku, priceCents } = event.data;
          await db.query(
            `INSERT INTO stores.products (id, store_id, name, description, sku, price_cents)
             VALUES ($1, $2, $3, $4, $5, $6)`,
            [id, storeId, name, description, sku, priceCents],
          );
          break;
        }
        case 'stores.ProductRebranded':
          await db.query('UPDATE stores.products SET name = $2, description = $3 WHERE id = $1', [
            id,
            event.data.name,
            event.data.description,
          ]);
          break;
        case 'stores.ProductPriceIncreased':
        case 'stores.ProductPriceDecreased':
          // Adding the delta (not setting the price) keeps the read model right whatever the order of events.
          await db.query('UPDATE stores.products SET price_cents = price_cents + $2 WHERE id = $1', [
            id,
            event.data.deltaCents,
          ]);
          break;
        case 'stores.ProductRemoved':
          // The aggregate keeps its history; the catalog only lists what can be bought.
          await db.query('DELETE FROM stores.products WHERE id = $1', [id]);
          break;
      }
    }
  };
}

const COLUMNS = `id, store_id AS "storeId", name, description, sku, price_cents AS "priceCents"`;

export function postgresCatalogRepository(db: Queryable): CatalogRepository {
  return {
    async find(productId) {
      const { rows } = await db.query<CatalogProduct>(
        `SELECT ${COLUMNS} FROM stores.products WHERE id = $1`,
        [productId],
      );
      return rows[0];
    },

    async catalogOf(storeId, { limit, after }) {
      const { rows } = await db.query<CatalogProduct>(
        `SELECT ${COLUMNS} FROM stores.products
          WHERE store_id = $1 AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
          ORDER BY name, id LIMIT $4`,
        [storeId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      return pageOf(rows, limit, (product) => [product.name, product.id]);
    },
  };
}
