import type { Queryable } from '@tessera/platform/sql';
import type { Ctx } from '../../context.js';
import type { CalendarEntry, HairDresserCalendar } from '../hair-dresser-calendar.js';

interface EntryRow {
  readonly id: string;
  readonly from: Date | string;
  readonly to: Date | string;
}

/** The calendar's read path on the bookings table: one SELECT, no entity, no write. */
export class PostgresHairDresserCalendar implements HairDresserCalendar {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async BookingsOf(ctx: Ctx, hairDresserID: string, from: Date, to: Date): Promise<readonly CalendarEntry[]> {
    ctx.signal?.throwIfAborted();
    const { rows } = await this.#db.query<EntryRow>(
      `SELECT id, "from", "to" FROM coffeeco_building_blocks.bookings
        WHERE hair_dresser_id = $1 AND "from" >= $2 AND "from" < $3
        ORDER BY "from", id`,
      [hairDresserID, from, to],
    );
    return rows.map((row) => ({
      bookingID: row.id,
      from: new Date(row.from).toISOString(),
      to: new Date(row.to).toISOString(),
    }));
  }
}
