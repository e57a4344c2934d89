/**
 * The fault sweep of both protocols, on PGlite and on PostgreSQL. For each scenario, a crash-free run lists
 * every crash point it reaches (with the participant, where a point is one participant's); then, for each of
 * them, a fresh run crashes there, the in-flight calls of the dead object land, a new coordinator or manager
 * with new participant objects on the same databases recovers, and the result must be one of the crash-free
 * outcomes, all or none: the decided one when the crash came after the decision was logged, the abort (cancel)
 * when it came before; nothing left locked or held, and the log finished.
 */
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beansStockParticipant } from '../../../src/building-blocks/transactions/adapters/postgres/beans-stock.js';
import { coffeeBuxHoldsParticipant } from '../../../src/building-blocks/transactions/adapters/postgres/coffeebux-holds.js';
import { hotelRoomsParticipant } from '../../../src/building-blocks/transactions/adapters/postgres/hotel-rooms.js';
import {
  beansStockMigrations,
  coffeeBuxHoldsMigrations,
  hotelRoomsMigrations,
  transactionLogMigrations,
} from '../../../src/building-blocks/transactions/adapters/postgres/migrations.js';
import { postgresTccLog } from '../../../src/building-blocks/transactions/adapters/postgres/tcc-log.js';
import { postgresTwoPhaseLog } from '../../../src/building-blocks/transactions/adapters/postgres/two-phase-log.js';
import { transferBeans } from '../../../src/building-blocks/transactions/beans-transfer.js';
import {
  Crash,
  type FaultContext,
  isCrash,
  type TccCrashPoint,
  type TwoPhaseCrashPoint,
} from '../../../src/building-blocks/transactions/faults.js';
import { bookTripPackage } from '../../../src/building-blocks/transactions/trip-package.js';
import { createTransactionManager } from '../../../src/building-blocks/transactions/try-confirm-cancel.js';
import { createTwoPhaseCoordinator } from '../../../src/building-blocks/transactions/two-phase-commit.js';
import { OPENING_TIMEOUT_MS, openDatabases, uniqueNames } from './databases.js';
import { deferred, observed, tracked } from './fakes.js';

const keyOf = (point: string, context: FaultContext) =>
  `${point}${context.participant ? `@${context.participant}` : ''}`;
/** Before these points the decision is not in the log: a restart presumes abort (2PC) or cancels (TCC). */
const BEFORE_DECISION = ['afterBegin', 'afterPrepare', 'afterRegister', 'afterTry'];

/** A hook that records every point reached and crashes at the first `crashAt`, if given. */
function hook(crashAt?: string) {
  const reached: string[] = [];
  let crashed = false;
  return {
    reached,
    faults(point: string, context: FaultContext) {
      const key = keyOf(point, context);
      reached.push(key);
      if (!crashed && key === crashAt) {
        crashed = true;
        throw new Crash(point, context);
      }
    },
  };
}

describe.each(testDatabases)(
  'a crash at every point of each protocol, then a restart, on $backend',
  (backend) => {
    let opened: Awaited<ReturnType<typeof openDatabases<'coordinator' | 'siteA' | 'siteB'>>>;
    const name = uniqueNames(`sweep-${backend.backend}`);

    beforeAll(async () => {
      // Three databases: the coordinator's logs, and two more, each with one participant of each protocol.
      opened = await openDatabases(backend, {
        coordinator: [transactionLogMigrations],
        siteA: [beansStockMigrations, hotelRoomsMigrations],
        siteB: [beansStockMigrations, coffeeBuxHoldsMigrations],
      });
    }, OPENING_TIMEOUT_MS);
    afterAll(async () => {
      await opened?.close();
    });

    describe('two-phase commit: a beans transfer', () => {
      /** Participant objects as a (re)started process makes them, on the stores' databases. */
      const stores = () => ({
        roastery: beansStockParticipant({ name: 'roastery-stock', db: opened.dbs.siteA.db }),
        harbour: beansStockParticipant({ name: 'harbour-stock', db: opened.dbs.siteB.db }),
      });

      /** One transfer of 4 kg out of `stock` grams, crashing at `crashAt`; then the restart. */
      async function transfer(stock: number, crashAt?: string) {
        const { roastery, harbour } = stores();
        const [beans, transferId] = [name(), name()];
        await roastery.stockUp('roastery', beans, stock);
        const { faults, reached } = hook(crashAt);
        // The harbour's prepare leaves after the roastery's vote: the same order of points in every run.
        const roasteryVoted = deferred();
        const first = observed(roastery);
        const fromRoastery = tracked(first.participant);
        void first.voted(`${transferId}: yes`).then(roasteryVoted.resolve);
        void first.voted(`${transferId}: no`).then(roasteryVoted.resolve);
        const toHarbour = tracked(observed(harbour, roasteryVoted.promise).participant);
        const coordinator = createTwoPhaseCoordinator({
          log: postgresTwoPhaseLog(opened.dbs.coordinator.db),
          faults: faults as (point: TwoPhaseCrashPoint, context: FaultContext) => void,
        });
        const outcome = await transferBeans(coordinator, {
          transferId,
          beans,
          grams: 4_000,
          from: { storeId: 'roastery', stock: fromRoastery.participant },
          to: { storeId: 'harbour', stock: toHarbour.participant },
        }).catch((error: unknown) => {
          if (!isCrash(error)) throw error;
          return 'crashed' as const;
        });
        roasteryVoted.resolve(); // a crash before the roastery voted: let the harbour's prepare go as well
        await Promise.all([fromRoastery.idle(), toHarbour.idle()]);
        const restarted = stores();
        const report = await createTwoPhaseCoordinator({
          log: postgresTwoPhaseLog(opened.dbs.coordinator.db),
        }).recover([restarted.roastery, restarted.harbour]);
        expect(report.failed).toEqual([]);
        const stocks = [await roastery.stock('roastery', beans), await harbour.stock('harbour', beans)];
        const inDoubt = [...(await roastery.inDoubt()), ...(await harbour.inDoubt())];
        const record = await postgresTwoPhaseLog(opened.dbs.coordinator.db).read(transferId);
        return { outcome, reached, stocks, inDoubt, record };
      }

      it.each([
        ['every vote yes', 10_000, 'committed'],
        ['the roastery short of beans', 3_000, 'aborted'],
      ] as const)('%s', async (_, stock, crashFree) => {
        const moved = [
          { grams: stock - 4_000, lockedBy: null },
          { grams: 4_000, lockedBy: null },
        ];
        const unmoved = [
          { grams: stock, lockedBy: null },
          { grams: 0, lockedBy: null },
        ];
        const reference = await transfer(stock);
        expect(reference.outcome).toBe(crashFree);
        expect(reference.stocks).toEqual(crashFree === 'committed' ? moved : unmoved);
        expect(reference.reached).toContain('afterDecision');

        for (const point of reference.reached) {
          const run = await transfer(stock, point);
          const expected = BEFORE_DECISION.some((before) => point.startsWith(before)) ? 'aborted' : crashFree;
          expect({ point, outcome: run.outcome }).toEqual({ point, outcome: 'crashed' });
          expect({ point, stocks: run.stocks }).toEqual({
            point,
            stocks: expected === 'committed' ? moved : unmoved,
          });
          expect({ point, inDoubt: run.inDoubt }).toEqual({ point, inDoubt: [] });
          expect({ point, record: run.record }).toMatchObject({
            point,
            record: { decision: expected === 'committed' ? 'commit' : 'abort', completed: true },
          });
        }
      });
    });

    describe('try-confirm-cancel: a trip package', () => {
      const sides = () => ({
        hotel: hotelRoomsParticipant({ name: 'partner-hotel', db: opened.dbs.siteA.db }),
        coffeeBux: coffeeBuxHoldsParticipant({ name: 'coffeebux', db: opened.dbs.siteB.db }),
      });

      /** One trip (two nights, 25.00 USD of CoffeeBux from a card holding `cents`), crashing at `crashAt`; then the restart. */
      async function book(cents: number, crashAt?: string) {
        const { hotel, coffeeBux } = sides();
        const [hotelName, cardId, bookingId] = [name(), name(), name()];
        for (const night of ['2025-06-01', '2025-06-02']) await hotel.openRooms(hotelName, night, 1);
        await coffeeBux.topUp(cardId, { amount: cents, currency: 'USD' });
        const { faults, reached } = hook(crashAt);
        const manager = createTransactionManager({
          log: postgresTccLog(opened.dbs.coordinator.db),
          faults: faults as (point: TccCrashPoint, context: FaultContext) => void,
        });
        const booking = await bookTripPackage(
          manager,
          { hotel, coffeeBux },
          {
            bookingId,
            stay: { hotel: hotelName, checkIn: '2025-06-01', checkOut: '2025-06-03' },
            coffeeBux: { cardId, amount: { amount: 2_500, currency: 'USD' } },
          },
        ).catch((error: unknown) => {
          if (!isCrash(error)) throw error;
          return 'crashed' as const;
        });
        const restarted = sides();
        const report = await createTransactionManager({
          log: postgresTccLog(opened.dbs.coordinator.db),
        }).recover([restarted.hotel, restarted.coffeeBux]);
        expect(report.failed).toEqual([]);
        const state = {
          freeRooms: [
            await hotel.freeRooms(hotelName, '2025-06-01'),
            await hotel.freeRooms(hotelName, '2025-06-02'),
          ],
          card: await coffeeBux.balance(cardId),
          holds: [await hotel.hold(bookingId), await coffeeBux.hold(bookingId)],
        };
        const status = (await postgresTccLog(opened.dbs.coordinator.db).read(bookingId))?.status;
        return { booking, reached, state, status };
      }

      it.each([
        ['both tries succeed', 10_000, 'confirmed'],
        ['the CoffeeBux do not cover it', 1_000, 'cancelled'],
      ] as const)('%s', async (_, cents, crashFree) => {
        const confirmed = { freeRooms: [0, 0], card: { balance: usd(cents - 2_500), held: usd(0) } };
        const untouched = { freeRooms: [1, 1], card: { balance: usd(cents), held: usd(0) } };
        const reference = await book(cents);
        expect(reference.booking).toMatchObject({ booked: crashFree === 'confirmed' });
        expect(reference.state).toMatchObject(crashFree === 'confirmed' ? confirmed : untouched);
        expect(reference.reached).toContain('afterDecision');

        for (const point of reference.reached) {
          const run = await book(cents, point);
          const expected = BEFORE_DECISION.some((before) => point.startsWith(before))
            ? 'cancelled'
            : crashFree;
          expect({ point, booking: run.booking }).toEqual({ point, booking: 'crashed' });
          expect({ point, state: run.state }).toMatchObject({
            point,
            state: expected === 'confirmed' ? confirmed : untouched,
          });
          expect({ point, holds: run.state.holds.filter((hold) => hold === 'tried') }).toEqual({
            point,
            holds: [],
          });
          expect({ point, status: run.status }).toEqual({ point, status: expected });
        }
      });
    });
  },
);

const usd = (amount: number) => ({ amount, currency: 'USD' });
