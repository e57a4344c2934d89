import { type ConsistencyOf, strong } from '../cap/consistency.js';
import type { Ctx } from '../context.js';
import type { Booking } from '../factories/booking.js';

/**
 * The book's `BookingRepository`: the port through which the calendar keeps its bookings. It is declared by the
 * model that needs it, beside the booking factory and the services that use it (one module: the building
 * blocks), never by the database adapter (REP-T1); `adapters/postgres-booking-repository.ts` implements it.
 * Its operations are commands: they change the store and answer nothing (CQS).
 */
export interface BookingRepository {
  SaveBooking(ctx: Ctx, booking: Booking): Promise<void>;
  DeleteBooking(ctx: Ctx, booking: Booking): Promise<void>;
}

export const bookingRepositoryConsistency: ConsistencyOf<BookingRepository> = {
  SaveBooking: strong('two customers must never both get the same chair: a write either lands or fails'),
  DeleteBooking: strong('a cancelled appointment must free the slot for the next booking at once'),
};
