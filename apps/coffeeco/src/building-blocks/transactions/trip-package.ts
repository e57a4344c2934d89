import type { TccParticipant, TransactionManager } from './try-confirm-cancel.js';

/** A room at a partner hotel from the check-in date to the check-out date (nights in between), `YYYY-MM-DD`. */
export interface RoomStay {
  readonly hotel: string;
  readonly checkIn: string;
  readonly checkOut: string;
}

/** Money as CoffeeCo writes it: whole cents and a currency, never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** CoffeeBux of a card put towards a trip package. */
export interface CoffeeBuxSpend {
  readonly cardId: string;
  readonly amount: Money;
}

export interface TripPackage {
  /** Chosen by the caller: the TCC transaction's id. */
  readonly bookingId: string;
  readonly stay: RoomStay;
  readonly coffeeBux: CoffeeBuxSpend;
}

export interface TripPackageParticipants {
  readonly hotel: TccParticipant<RoomStay>;
  readonly coffeeBux: TccParticipant<CoffeeBuxSpend>;
}

export type TripPackageBooking =
  | { readonly booked: true }
  | { readonly booked: false; readonly reason: string };

/**
 * TCC's example: a coffee lover's trip package, a room at a partner hotel paid partly with CoffeeBux. Both sides
 * can hold something without locking anything (a room off the market, CoffeeBux on hold), so the application
 * tries both and then confirms both, or cancels what it tried when one says no. The hotel is a partner, not our
 * database: a two-phase commit could not reach it, a try-confirm-cancel API can.
 */
export async function bookTripPackage(
  manager: TransactionManager,
  participants: TripPackageParticipants,
  trip: TripPackage,
): Promise<TripPackageBooking> {
  await manager.begin(trip.bookingId);
  try {
    await manager.attempt(trip.bookingId, participants.hotel, trip.stay);
    await manager.attempt(trip.bookingId, participants.coffeeBux, trip.coffeeBux);
  } catch (refused) {
    await manager.cancelAll(trip.bookingId);
    return { booked: false, reason: refused instanceof Error ? refused.message : String(refused) };
  }
  await manager.confirmAll(trip.bookingId);
  return { booked: true };
}
