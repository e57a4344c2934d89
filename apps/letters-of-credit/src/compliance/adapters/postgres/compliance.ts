import { pageOf } from '@tessera/platform/ddd';
import { type Queryable, rowOfUuid, timestampKey } from '@tessera/platform/sql';
import type { ProductCheckRecords, ProductRegister } from '../../application/ports.js';
import type { Product } from '../../domain/products.js';

interface ProductRow {
  id: string;
  name: string;
  category: string;
  reference_price_cents: string | null;
}

const PRODUCT_COLUMNS = 'id, name, category, reference_price_cents';

const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  name: row.name,
  category: row.category,
  ...(row.reference_price_cents !== null && { referencePriceCents: Number(row.reference_price_cents) }),
});

/** `lc_compliance.products`: the register, one row per product id. */
export function postgresProductRegister(db: Queryable): ProductRegister {
  return {
    async put({ id, name, category, referencePriceCents }) {
      await db.query(
        `INSERT INTO lc_compliance.products (id, name, category, reference_price_cents)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = $2, category = $3, reference_price_cents = $4, updated_at = now()`,
        [id, name, category, referencePriceCents ?? null],
      );
    },

    async findAll(ids) {
      if (ids.length === 0) return [];
      const { rows } = await db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM lc_compliance.products WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map(toProduct);
    },

    async list({ limit, after }, { excludingCategories = [] } = {}) {
      const { rows } = await db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM lc_compliance.products
          WHERE ($1::text IS NULL OR (name, id) > ($1, $2::uuid)) AND category <> ALL($4::text[])
          ORDER BY name, id LIMIT $3`,
        [after?.[0] ?? null, after?.[1] ?? null, limit + 1, excludingCategories],
      );
      return pageOf(rows.map(toProduct), limit, (product) => [product.name, product.id]);
    },
  };
}

interface ProductChecksRow {
  lc_application_id: string;
  value_approved: boolean;
  value_remarks: string;
  legality_approved: boolean;
  legality_remarks: string;
  decided_at: string;
}

/** `lc_compliance.product_checks`: the decisions, keyed by application, never written twice. */
export function postgresProductChecks(db: Queryable): ProductCheckRecords {
  return {
    async record({ lcApplicationId, value, legality }) {
      const { rowCount } = await db.query(
        `INSERT INTO lc_compliance.product_checks
           (lc_application_id, value_approved, value_remarks, legality_approved, legality_remarks)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lc_application_id) DO NOTHING`,
        [lcApplicationId, value.approved, value.remarks, legality.approved, legality.remarks],
      );
      return rowCount === 1;
    },

    async find(lcApplicationId) {
      const row = await rowOfUuid<ProductChecksRow>(
        db,
        `SELECT lc_application_id, value_approved, value_remarks, legality_approved, legality_remarks,
                ${timestampKey('decided_at')} AS decided_at
           FROM lc_compliance.product_checks WHERE lc_application_id = $1`,
        lcApplicationId,
      );
      return (
        row && {
          lcApplicationId: row.lc_application_id,
          value: { approved: row.value_approved, remarks: row.value_remarks },
          legality: { approved: row.legality_approved, remarks: row.legality_remarks },
          decidedAt: row.decided_at,
        }
      );
    },
  };
}
