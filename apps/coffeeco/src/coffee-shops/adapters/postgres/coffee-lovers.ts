import { mapPage, pageOf } from '@tessera/platform/ddd';
import { isUuid, type Queryable, rowOfUuid, timestampKey } from '@tessera/platform/sql';
import type { CoffeeLoverRegister } from '../../application/ports.js';
import type { CoffeeLover } from '../../domain/coffee-lover.js';

interface CoffeeLoverRow {
  id: string;
  first_name: string;
  last_name: string;
  email_address: string;
}

const TABLE = 'coffeeco_coffee_shops.coffee_lovers';
const COLUMNS = 'id, first_name, last_name, email_address';

const toDomain = (row: CoffeeLoverRow): CoffeeLover => ({
  ID: row.id,
  FirstName: row.first_name,
  LastName: row.last_name,
  EmailAddress: row.email_address,
});

/** `coffeeco_coffee_shops.coffee_lovers`: one row per coffee lover. */
export function postgresCoffeeLovers(db: Queryable): CoffeeLoverRegister {
  return {
    async add({ ID, FirstName, LastName, EmailAddress }) {
      await db.query(
        `INSERT INTO coffeeco_coffee_shops.coffee_lovers (id, first_name, last_name, email_address)
         VALUES ($1, $2, $3, $4)`,
        [ID, FirstName, LastName, EmailAddress],
      );
    },

    async find(id) {
      const row = await rowOfUuid<CoffeeLoverRow>(db, `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`, id);
      return row && toDomain(row);
    },

    async withEmail(email, { limit, after }) {
      const [at, id] = after ?? [];
      if (id !== undefined && !isUuid(id)) return { items: [] };
      const { rows } = await db.query<CoffeeLoverRow & { key_at: string }>(
        `SELECT ${COLUMNS}, ${timestampKey('registered_at')} AS key_at FROM ${TABLE}
          WHERE email_address = $1 AND ($2::timestamptz IS NULL OR (registered_at, id) > ($2, $3::uuid))
          ORDER BY registered_at, id LIMIT $4`,
        [email, at ?? null, id ?? null, limit + 1],
      );
      return mapPage(
        pageOf(rows, limit, (row) => [row.key_at, row.id]),
        toDomain,
      );
    },
  };
}
