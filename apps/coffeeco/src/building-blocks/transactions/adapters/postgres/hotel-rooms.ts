import { failedPrecondition, invalidArgument } from '@tessera/platform/ddd';
import type { SqlClient } from '@tessera/platform/sql';
import type { RoomStay } from '../../trip-package.js';
import type { TccParticipant } from '../../try-confirm-cancel.js';
import { type HoldStatus, reservationParticipant } from './reservations.js';

const ROOMS = 'coffeeco_transactions.hotel_rooms';
const HOLDS = 'coffeeco_transactions.hotel_room_holds';
const DAY_MS = 86_400_000;

const day = (value: string, field: string) => {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
    throw invalidArgument('date_invalid', `${field} must be a date, YYYY-MM-DD`, field);
  }
  return time;
};

const nightsOf = (stay: RoomStay) => {
  if (!stay.hotel?.trim()) throw invalidArgument('hotel_required', 'a hotel is required', 'hotel');
  const nights = (day(stay.checkOut, 'checkOut') - day(stay.checkIn, 'checkIn')) / DAY_MS;
  if (nights < 1) throw invalidArgument('stay_invalid', 'checkOut must be after checkIn', 'checkOut');
  return nights;
};

export interface HotelRoomsParticipant extends TccParticipant<RoomStay> {
  /** The hotel offers `rooms` more rooms on `night`. */
  openRooms(hotel: string, night: string, rooms: number): Promise<void>;
  freeRooms(hotel: string, night: string): Promise<number>;
  hold(txId: string): Promise<HoldStatus | undefined>;
}

/**
 * A partner hotel's rooms as a TCC participant, in the hotel's own database: the try holds a room for every
 * night of the stay (or none: the whole try is one local transaction), the confirm turns the hold into a booking,
 * the cancel frees the nights.
 */
export function hotelRoomsParticipant(options: { name: string; db: SqlClient }): HotelRoomsParticipant {
  const { db } = options;
  const participant = reservationParticipant<RoomStay>({
    ...options,
    holds: HOLDS,
    async reserve(txId, stay) {
      const nights = nightsOf(stay);
      const { rowCount } = await db.query(
        `UPDATE ${ROOMS} SET free_rooms = free_rooms - 1
          WHERE hotel = $1 AND night >= $2::date AND night < $3::date AND free_rooms > 0`,
        [stay.hotel, stay.checkIn, stay.checkOut],
      );
      if (rowCount !== nights) {
        throw failedPrecondition(
          'no_room',
          `no room at ${stay.hotel} for every night from ${stay.checkIn} to ${stay.checkOut}`,
        );
      }
      await db.query(
        `INSERT INTO ${HOLDS} (tx_id, status, hotel, check_in, check_out) VALUES ($1, 'tried', $2, $3, $4)`,
        [txId, stay.hotel, stay.checkIn, stay.checkOut],
      );
    },
    async confirm() {
      // The nights were taken at the try: the booking is the hold, now final.
    },
    async release(txId) {
      await db.query(
        `UPDATE ${ROOMS} r SET free_rooms = r.free_rooms + 1 FROM ${HOLDS} h
          WHERE h.tx_id = $1 AND r.hotel = h.hotel AND r.night >= h.check_in AND r.night < h.check_out`,
        [txId],
      );
    },
  });

  return {
    ...participant,
    async openRooms(hotel, night, rooms) {
      day(night, 'night');
      await db.query(
        `INSERT INTO ${ROOMS} (hotel, night, free_rooms) VALUES ($1, $2, $3)
         ON CONFLICT (hotel, night) DO UPDATE SET free_rooms = ${ROOMS}.free_rooms + excluded.free_rooms`,
        [hotel, night, rooms],
      );
    },
    async freeRooms(hotel, night) {
      const { rows } = await db.query<{ free_rooms: number }>(
        `SELECT free_rooms FROM ${ROOMS} WHERE hotel = $1 AND night = $2`,
        [hotel, night],
      );
      return Number(rows[0]?.free_rooms ?? 0);
    },
  };
}
