import type { SqlClient } from '@tessera/platform/sql';
import { z } from 'zod';
import type { LastGoodAvailability } from '../../application/ports.js';
import { Money } from '../../domain/money.js';

const TABLE = 'coffeeco_recommendations.last_good_availability';

/** An option as the row keeps it; its location is the row's. */
const storedOptions = z.array(
  z.object({
    hotelName: z.string(),
    pricePerNight: z.object({ amount: z.number().int(), currency: z.string() }),
  }),
);

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The last good availability in the module's schema: every process of the module, and the next one after a
 * restart, finds it. A newer answer replaces an older one, never the other way round.
 */
export function postgresLastGoodAvailability(db: SqlClient): LastGoodAvailability {
  return {
    async remember(query, options, asOf) {
      const stored = options.map((option) => ({
        hotelName: option.HotelName,
        pricePerNight: { amount: option.PricePerNight.amount, currency: option.PricePerNight.currency },
      }));
      await db.query(
        `INSERT INTO ${TABLE} (location, trip_start, trip_end, options, as_of) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (location, trip_start, trip_end) DO UPDATE SET options = excluded.options, as_of = excluded.as_of
         WHERE ${TABLE}.as_of <= excluded.as_of`,
        [query.location, day(query.tripStart), day(query.tripEnd), JSON.stringify(stored), asOf],
      );
    },

    async recall(query) {
      const { rows } = await db.query<{ options: unknown; as_of: Date | string }>(
        `SELECT options, as_of FROM ${TABLE} WHERE location = $1 AND trip_start = $2 AND trip_end = $3`,
        [query.location, day(query.tripStart), day(query.tripEnd)],
      );
      const [row] = rows;
      if (!row) return undefined;
      const options = storedOptions.parse(
        typeof row.options === 'string' ? JSON.parse(row.options) : row.options,
      );
      return {
        asOf: new Date(row.as_of),
        options: options.map((option) => ({
          HotelName: option.hotelName,
          Location: query.location,
          PricePerNight: Money.of(option.pricePerNight.amount, option.pricePerNight.currency),
        })),
      };
    },
  };
}
