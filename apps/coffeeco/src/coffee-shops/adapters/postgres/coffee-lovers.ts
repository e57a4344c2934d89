import { type Queryable, rowOfUuid } from '@tessera/platform/sql';
import type { CoffeeLoverRegister } from '../../application/ports.js';
import type { CoffeeLover } from '../../domain/coffee-lover.js';

interface CoffeeLoverRow {
  id: string;
  first_name: string;
  last_name: string;
  email_address: string;
}

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
      const row = await rowOfUuid<CoffeeLoverRow>(
        db,
        `SELECT id, first_name, last_name, email_address FROM coffeeco_coffee_shops.coffee_lovers WHERE id = $1`,
        id,
      );
      return row && toDomain(row);
    },
  };
}
