import { postgresClient, type SqlClient } from '@tessera/platform/sql';
import type { Ctx } from '../../context.js';
import { type Booking, RestoreBooking } from '../../factories/booking.js';
import type { BookingRepository } from '../booking-repository.js';

/** A row of `bookings`: the table's shape, kept apart from the `Booking` entity by two mappers (ENT-T4). */
export interface BookingRow {
  readonly id: string;
  readonly user_id: string;
  readonly from: Date;
  readonly to: Date;
  readonly hair_dresser_id: string;
}

export const bookingRow = {
  fromDomain: (booking: Booking): BookingRow => ({
    id: booking.ID(),
    user_id: booking.UserID(),
    from: booking.From(),
    to: booking.To(),
    hair_dresser_id: booking.HairDresserID(),
  }),
  toDomain: (row: BookingRow): Booking =>
    RestoreBooking({
      id: row.id,
      userID: row.user_id,
      from: new Date(row.from),
      to: new Date(row.to),
      hairDresserID: row.hair_dresser_id,
    }),
};

/**
 * The book's Postgres adapter of `BookingRepository`, without its defects (Appendix B, B5): it keeps its pool
 * for its whole life (the book's constructor closed its connection before returning), quotes the reserved
 * words "from" and "to", and stores whose booking it is. Its errors keep the book's prefixes.
 */
export class PostgresRepository implements BookingRepository {
  readonly #db: SqlClient;

  /** On a client (a pool) someone else owns and closes: a module's, or a test's. */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  async SaveBooking(ctx: Ctx, booking: Booking): Promise<void> {
    try {
      ctx.signal?.throwIfAborted();
      const row = bookingRow.fromDomain(booking);
      await this.#db.query(
        `INSERT INTO coffeeco_building_blocks.bookings (id, user_id, "from", "to", hair_dresser_id)
         VALUES ($1, $2, $3, $4, $5)`,
        [row.id, row.user_id, row.from, row.to, row.hair_dresser_id],
      );
    } catch (cause) {
      throw new Error(`failed to SaveBooking: ${(cause as Error).message}`, { cause });
    }
  }

  /** Deleting a booking that is not there is no error: the slot is free either way. */
  async DeleteBooking(ctx: Ctx, booking: Booking): Promise<void> {
    try {
      ctx.signal?.throwIfAborted();
      await this.#db.query('DELETE FROM coffeeco_building_blocks.bookings WHERE id = $1', [booking.ID()]);
    } catch (cause) {
      throw new Error(`failed to DeleteBooking: ${(cause as Error).message}`, { cause });
    }
  }
}

/** A repository with a pool of its own: open for the repository's lifetime, closed by `Close`. */
export interface OwnPoolRepository extends BookingRepository {
  Close(): Promise<void>;
}

/**
 * The book's `NewPostgresRepository(ctx, dbConnString)`: opens a pool, proves it reaches the database ("failed
 * to connect to db: ..." otherwise), and keeps it until `Close`.
 */
export async function NewPostgresRepository(ctx: Ctx, dbConnString: string): Promise<OwnPoolRepository> {
  const db = postgresClient({ connectionString: dbConnString, applicationName: 'booking-repository' });
  try {
    ctx.signal?.throwIfAborted();
    await db.query('SELECT 1');
  } catch (cause) {
    await db.close();
    throw new Error(`failed to connect to db: ${(cause as Error).message}`, { cause });
  }
  const repository = new PostgresRepository(db);
  return {
    SaveBooking: (c, booking) => repository.SaveBooking(c, booking),
    DeleteBooking: (c, booking) => repository.DeleteBooking(c, booking),
    Close: () => db.close(),
  };
}
