/**
 * Try-confirm-cancel on real databases (spec B.5): a coffee lover's trip package, a partner hotel's room and
 * CoffeeBux on hold, each participant in its own database and the manager's log in a third; on PGlite and on
 * PostgreSQL. TCC-1..4; every crash point is fault-injection.test.ts.
 */
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffeeBuxHoldsParticipant } from '../../../src/building-blocks/transactions/adapters/postgres/coffeebux-holds.js';
import { hotelRoomsParticipant } from '../../../src/building-blocks/transactions/adapters/postgres/hotel-rooms.js';
import {
  coffeeBuxHoldsMigrations,
  hotelRoomsMigrations,
  transactionLogMigrations,
} from '../../../src/building-blocks/transactions/adapters/postgres/migrations.js';
import { postgresTccLog } from '../../../src/building-blocks/transactions/adapters/postgres/tcc-log.js';
import { Crash, type TccCrashPoint } from '../../../src/building-blocks/transactions/faults.js';
import { bookTripPackage } from '../../../src/building-blocks/transactions/trip-package.js';
import { createTransactionManager } from '../../../src/building-blocks/transactions/try-confirm-cancel.js';
import { OPENING_TIMEOUT_MS, openDatabases, uniqueNames } from './databases.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe.each(testDatabases)(
  'booking a trip package across a hotel and CoffeeBux, on $backend',
  (backend) => {
    let opened: Awaited<ReturnType<typeof openDatabases<'manager' | 'hotel' | 'loyalty'>>>;
    const hotelName = uniqueNames('finca-la-esperanza');
    const cardName = uniqueNames('card');
    const bookingName = uniqueNames(`trip-${backend.backend}`);

    beforeAll(async () => {
      opened = await openDatabases(backend, {
        manager: [transactionLogMigrations],
        hotel: [hotelRoomsMigrations],
        loyalty: [coffeeBuxHoldsMigrations],
      });
    }, OPENING_TIMEOUT_MS);
    afterAll(async () => {
      await opened?.close();
    });

    /** A hotel with `rooms` free each night of 1–3 May, a card with `cents` of CoffeeBux, and a trip to match. */
    async function scene(rooms: number, cents: number, spend = 2_500) {
      const hotel = hotelRoomsParticipant({ name: 'partner-hotel', db: opened.dbs.hotel.db });
      const coffeeBux = coffeeBuxHoldsParticipant({ name: 'coffeebux', db: opened.dbs.loyalty.db });
      const [name, cardId] = [hotelName(), cardName()];
      for (const night of ['2025-05-01', '2025-05-02']) await hotel.openRooms(name, night, rooms);
      await coffeeBux.topUp(cardId, usd(cents));
      const trip = {
        bookingId: bookingName(),
        stay: { hotel: name, checkIn: '2025-05-01', checkOut: '2025-05-03' },
        coffeeBux: { cardId, amount: usd(spend) },
      };
      const state = async () => ({
        freeRooms: [await hotel.freeRooms(name, '2025-05-01'), await hotel.freeRooms(name, '2025-05-02')],
        card: await coffeeBux.balance(cardId),
        holds: [await hotel.hold(trip.bookingId), await coffeeBux.hold(trip.bookingId)],
      });
      return { participants: { hotel, coffeeBux }, trip, state };
    }
    const log = () => postgresTccLog(opened.dbs.manager.db);
    const manager = (faults?: (point: TccCrashPoint, context: { txId: string }) => void) =>
      createTransactionManager({ log: log(), ...(faults ? { faults } : {}) });

    it('confirms the room and spends the CoffeeBux when both tries succeed, logged confirmed (TCC-1)', async () => {
      const { participants, trip, state } = await scene(1, 10_000);
      expect(await bookTripPackage(manager(), participants, trip)).toEqual({ booked: true });
      expect(await state()).toEqual({
        freeRooms: [0, 0],
        card: { balance: usd(7_500), held: usd(0) },
        holds: ['confirmed', 'confirmed'],
      });
      expect(await log().read(trip.bookingId)).toEqual({
        txId: trip.bookingId,
        status: 'confirmed',
        participants: [
          { name: 'partner-hotel', status: 'confirmed' },
          { name: 'coffeebux', status: 'confirmed' },
        ],
      });
    });

    it('gives the room back when the CoffeeBux do not cover the trip, logged cancelled (TCC-2)', async () => {
      const { participants, trip, state } = await scene(1, 1_000);
      expect(await bookTripPackage(manager(), participants, trip)).toEqual({
        booked: false,
        reason: `not enough CoffeeBux on card ${trip.coffeeBux.cardId} for the trip`,
      });
      expect(await state()).toEqual({
        freeRooms: [1, 1],
        card: { balance: usd(1_000), held: usd(0) },
        holds: ['cancelled', 'cancelled'], // the CoffeeBux's: an empty cancel, recorded
      });
      expect((await log().read(trip.bookingId))?.status).toBe('cancelled');
    });

    it('holds nothing when the hotel is full, and never asks for the CoffeeBux (TCC-2)', async () => {
      const { participants, trip, state } = await scene(0, 10_000);
      expect(await bookTripPackage(manager(), participants, trip)).toMatchObject({ booked: false });
      expect(await state()).toEqual({
        freeRooms: [0, 0],
        card: { balance: usd(10_000), held: usd(0) },
        holds: ['cancelled', undefined],
      });
      expect((await log().read(trip.bookingId))?.participants).toEqual([
        { name: 'partner-hotel', status: 'cancelled' },
      ]);
    });

    it('re-sends confirm after the manager crashed mid-confirm; the second confirm changes nothing (TCC-3)', async () => {
      const { participants, trip, state } = await scene(1, 10_000);
      const crashAfterHotel = (point: TccCrashPoint, context: { txId: string; participant?: string }) => {
        if (point === 'afterConfirm' && context.participant === 'partner-hotel')
          throw new Crash(point, context);
      };
      await expect(bookTripPackage(manager(crashAfterHotel), participants, trip)).rejects.toThrow(Crash);
      expect(await state()).toEqual({
        freeRooms: [0, 0],
        card: { balance: usd(10_000), held: usd(2_500) },
        holds: ['confirmed', 'tried'],
      });
      const report = await manager().recover([participants.hotel, participants.coffeeBux]);
      expect(report.completed).toContainEqual({ txId: trip.bookingId, outcome: 'confirmed' });
      expect(report.failed).toEqual([]);
      const confirmed = {
        freeRooms: [0, 0],
        card: { balance: usd(7_500), held: usd(0) },
        holds: ['confirmed', 'confirmed'],
      };
      expect(await state()).toEqual(confirmed);
      await participants.coffeeBux.confirm(trip.bookingId);
      await participants.hotel.confirm(trip.bookingId);
      expect(await state()).toEqual(confirmed);
    });

    describe('empty cancel and anti-hanging (TCC-4)', () => {
      it('a cancel before any try changes nothing but is recorded; the late try is refused', async () => {
        const { participants, trip, state } = await scene(1, 10_000);
        await participants.hotel.cancel(trip.bookingId);
        await participants.coffeeBux.cancel(trip.bookingId);
        await participants.hotel.cancel(trip.bookingId); // and again: idempotent
        expect(await state()).toEqual({
          freeRooms: [1, 1],
          card: { balance: usd(10_000), held: usd(0) },
          holds: ['cancelled', 'cancelled'],
        });
        await expect(participants.hotel.try(trip.bookingId, trip.stay)).rejects.toThrow(
          `partner-hotel: transaction ${trip.bookingId} was cancelled before its try`,
        );
        await expect(participants.coffeeBux.try(trip.bookingId, trip.coffeeBux)).rejects.toThrow(
          'was cancelled before its try',
        );
        expect((await state()).freeRooms).toEqual([1, 1]);
      });

      it('after a crash between registering and trying, recovery cancels; the try still on its way is refused', async () => {
        const { participants, trip, state } = await scene(1, 10_000);
        const crashBeforeTry = (point: TccCrashPoint, context: { txId: string }) => {
          if (point === 'afterRegister') throw new Crash(point, context);
        };
        await expect(bookTripPackage(manager(crashBeforeTry), participants, trip)).rejects.toThrow(Crash);
        expect(
          (await manager().recover([participants.hotel, participants.coffeeBux])).completed,
        ).toContainEqual({
          txId: trip.bookingId,
          outcome: 'cancelled',
        });
        await expect(participants.hotel.try(trip.bookingId, trip.stay)).rejects.toThrow(
          'cancelled before its try',
        );
        expect(await state()).toEqual({
          freeRooms: [1, 1],
          card: { balance: usd(10_000), held: usd(0) },
          holds: ['cancelled', undefined],
        });
      });
    });

    it('refuses a stay with a bad date before holding anything, naming the field', async () => {
      const { participants, trip } = await scene(1, 10_000);
      await expect(
        participants.hotel.try(trip.bookingId, { ...trip.stay, checkOut: '2025-5-3' }),
      ).rejects.toMatchObject({
        code: 'date_invalid',
        field: 'checkOut',
      });
    });
  },
);
