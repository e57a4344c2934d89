/**
 * Two-phase commit on real databases (spec B.4): beans move between two stores whose stock lives in two
 * databases, the coordinator's log in a third; on PGlite (three instances) and on PostgreSQL (three databases,
 * three pools). 2PC-1, 2, 3, 5 and 6; every crash point is fault-injection.test.ts.
 */
import { manualClock } from '@tessera/platform/scheduling';
import { signals, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BeansStockParticipant,
  beansStockParticipant,
} from '../../../src/building-blocks/transactions/adapters/postgres/beans-stock.js';
import {
  beansStockMigrations,
  transactionLogMigrations,
} from '../../../src/building-blocks/transactions/adapters/postgres/migrations.js';
import { postgresTwoPhaseLog } from '../../../src/building-blocks/transactions/adapters/postgres/two-phase-log.js';
import { type BeansMove, transferBeans } from '../../../src/building-blocks/transactions/beans-transfer.js';
import { Crash, type TwoPhaseCrashPoint } from '../../../src/building-blocks/transactions/faults.js';
import {
  createTwoPhaseCoordinator,
  type TwoPhaseCoordinator,
  type TwoPhaseParticipant,
} from '../../../src/building-blocks/transactions/two-phase-commit.js';
import { OPENING_TIMEOUT_MS, openDatabases, uniqueNames } from './databases.js';
import { deferred, observed } from './fakes.js';

const TIMEOUT = { prepareTimeoutMs: 5_000 };

describe.each(testDatabases)('moving beans between two stores’ databases, on $backend', (backend) => {
  let opened: Awaited<ReturnType<typeof openDatabases<'coordinator' | 'roastery' | 'harbour'>>>;
  const participants: BeansStockParticipant[] = [];
  const beansName = uniqueNames('yirgacheffe');
  const txName = uniqueNames(`transfer-${backend.backend}`);

  beforeAll(async () => {
    opened = await openDatabases(backend, {
      coordinator: [transactionLogMigrations],
      roastery: [beansStockMigrations],
      harbour: [beansStockMigrations],
    });
  }, OPENING_TIMEOUT_MS);
  afterEach(async () => {
    await Promise.all(participants.splice(0).map((participant) => participant.close()));
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** The two stores' stocks, each in its own database, with `grams` of fresh beans at the roastery store. */
  async function stores(
    grams: number,
    whenLocked: 'refuse' | 'wait' = 'refuse',
    onWait?: (txId: string) => void,
  ) {
    const roastery = beansStockParticipant({
      name: 'roastery-stock',
      db: opened.dbs.roastery.db,
      whenLocked,
      onWait,
    });
    const harbour = beansStockParticipant({
      name: 'harbour-stock',
      db: opened.dbs.harbour.db,
      whenLocked,
      onWait,
    });
    participants.push(roastery, harbour);
    const beans = beansName();
    await roastery.stockUp('roastery', beans, grams);
    const stocks = async () => [
      await roastery.stock('roastery', beans),
      await harbour.stock('harbour', beans),
    ];
    return { roastery, harbour, beans, stocks };
  }
  const coordinator = (options: Partial<Parameters<typeof createTwoPhaseCoordinator>[0]> = {}) =>
    createTwoPhaseCoordinator({ log: postgresTwoPhaseLog(opened.dbs.coordinator.db), ...options });
  const transfer = (
    via: TwoPhaseCoordinator,
    from: TwoPhaseParticipant<BeansMove>,
    to: TwoPhaseParticipant<BeansMove>,
    beans: string,
    grams: number,
    transferId = txName(),
    options = TIMEOUT,
  ) =>
    transferBeans(
      via,
      {
        transferId,
        beans,
        grams,
        from: { storeId: 'roastery', stock: from },
        to: { storeId: 'harbour', stock: to },
      },
      options,
    );
  const unlocked = (grams: number) => ({ grams, lockedBy: null });

  it('moves the beans when both stores vote yes (2PC-1)', async () => {
    const { roastery, harbour, beans, stocks } = await stores(10_000);
    const transferId = txName();
    expect(await transfer(coordinator(), roastery, harbour, beans, 4_000, transferId)).toBe('committed');
    expect(await stocks()).toEqual([unlocked(6_000), unlocked(4_000)]);
    expect(await postgresTwoPhaseLog(opened.dbs.coordinator.db).read(transferId)).toEqual({
      txId: transferId,
      participants: ['roastery-stock', 'harbour-stock'],
      decision: 'commit',
      completed: true,
    });
  });

  it('moves nothing when the roastery has too few beans: none or both (2PC-2)', async () => {
    const { roastery, harbour, beans, stocks } = await stores(3_000);
    expect(await transfer(coordinator(), roastery, harbour, beans, 4_000)).toBe('aborted');
    expect(await stocks()).toEqual([unlocked(3_000), unlocked(0)]);
    expect(await roastery.inDoubt()).toEqual([]);
    expect(await harbour.inDoubt()).toEqual([]);
  });

  it('moves nothing when a store cannot be asked (its prepare throws) (2PC-2)', async () => {
    const { roastery, harbour, beans, stocks } = await stores(10_000);
    const unreachable: TwoPhaseParticipant<BeansMove> = {
      ...harbour,
      name: harbour.name,
      prepare: () => Promise.reject(new Error('harbour-stock is unreachable')),
    };
    expect(await transfer(coordinator(), roastery, unreachable, beans, 4_000)).toBe('aborted');
    expect(await stocks()).toEqual([unlocked(10_000), unlocked(0)]);
  });

  it('aborts when a vote is late; the late prepare then votes no and locks nothing (2PC-3)', async () => {
    const { roastery, harbour, beans, stocks } = await stores(10_000);
    const clock = manualClock();
    const slowly = deferred();
    const fast = observed(roastery);
    const slow = observed(harbour, slowly.promise);
    const transferId = txName();
    const running = transfer(
      coordinator({ clock }),
      fast.participant,
      slow.participant,
      beans,
      4_000,
      transferId,
    );
    await fast.voted(`${transferId}: yes`);
    expect((await stocks())[0]).toEqual({ grams: 10_000, lockedBy: transferId });
    clock.advance(TIMEOUT.prepareTimeoutMs);
    expect(await running).toBe('aborted');
    slowly.resolve();
    await slow.voted(`${transferId}: no`);
    expect(await stocks()).toEqual([unlocked(10_000), unlocked(0)]);
  });

  describe('while a transfer is prepared, its stock is locked (2PC-5)', () => {
    it('refuses a second transfer of the same beans, not of other beans, until recovery', async () => {
      const { roastery, harbour, beans, stocks } = await stores(10_000);
      const other = await stores(10_000);
      const stuck = txName();
      // The coordinator dies after both voted yes: the transfer is in doubt, both stocks locked (2PC-6).
      let votes = 0;
      const faults = (point: TwoPhaseCrashPoint, context: { txId: string }) => {
        if (point === 'afterPrepare' && ++votes === 2) throw new Crash(point, context);
      };
      await expect(transfer(coordinator({ faults }), roastery, harbour, beans, 1_000, stuck)).rejects.toThrow(
        Crash,
      );
      expect(await stocks()).toEqual([
        { grams: 10_000, lockedBy: stuck },
        { grams: 0, lockedBy: stuck },
      ]);
      expect(await transfer(coordinator(), roastery, harbour, beans, 1_000)).toBe('aborted');
      expect(await transfer(coordinator(), other.roastery, other.harbour, other.beans, 1_000)).toBe(
        'committed',
      );

      const report = await coordinator().recover([roastery, harbour]);
      expect(report.completed).toContainEqual({ txId: stuck, outcome: 'aborted' });
      expect(await stocks()).toEqual([unlocked(10_000), unlocked(0)]);
      expect(await transfer(coordinator(), roastery, harbour, beans, 1_000)).toBe('committed');
      expect(await stocks()).toEqual([unlocked(9_000), unlocked(1_000)]);
    });

    it('makes a second transfer of the same beans wait for the first, when configured to wait', async () => {
      const waits = signals<string>();
      const { roastery, harbour, beans, stocks } = await stores(10_000, 'wait', (txId) => waits.push(txId));
      const other = await stores(10_000, 'wait');
      const finished: string[] = [];
      const [first, second, third] = [txName(), txName(), txName()];
      // The first transfer's coordinator has both yes votes and takes its time to decide: both stocks are held.
      const log = postgresTwoPhaseLog(opened.dbs.coordinator.db);
      const deciding = deferred();
      const decided = deferred();
      const slowToDecide = coordinator({
        log: {
          ...log,
          async decide(txId, decision) {
            deciding.resolve();
            await decided.promise;
            return log.decide(txId, decision);
          },
        },
      });
      const running1 = transfer(slowToDecide, roastery, harbour, beans, 4_000, first);
      void running1.then(() => finished.push(first));
      await deciding.promise;
      const running2 = transfer(coordinator(), roastery, harbour, beans, 5_000, second);
      void running2.then(() => finished.push(second));
      await waits.until((txIds) => txIds.includes(second));
      // Other beans are not held up.
      expect(await transfer(coordinator(), other.roastery, other.harbour, other.beans, 1_000, third)).toBe(
        'committed',
      );
      finished.push(third);
      decided.resolve();
      expect(await running1).toBe('committed');
      expect(await running2).toBe('committed');
      expect(finished).toEqual([third, first, second]);
      expect(await stocks()).toEqual([unlocked(1_000), unlocked(9_000)]);
    });

    it('gives up waiting when its coordinator times out, and locks nothing', async () => {
      const waits = signals<string>();
      const { roastery, harbour, beans, stocks } = await stores(10_000, 'wait', (txId) => waits.push(txId));
      const clock = manualClock();
      const stuck = txName();
      await expect(
        transfer(coordinator({ faults: crashAt('afterDecision') }), roastery, harbour, beans, 1_000, stuck),
      ).rejects.toThrow(Crash);
      const waiting = txName();
      const running = transfer(coordinator({ clock }), roastery, harbour, beans, 2_000, waiting);
      await waits.until((txIds) => txIds.includes(waiting));
      clock.advance(TIMEOUT.prepareTimeoutMs);
      expect(await running).toBe('aborted');
      expect(await stocks()).toEqual([
        { grams: 10_000, lockedBy: stuck },
        { grams: 0, lockedBy: stuck },
      ]);
      await coordinator().recover([roastery, harbour]);
      expect(await stocks()).toEqual([unlocked(9_000), unlocked(1_000)]);
    });
  });

  describe('a coordinator that crashes (2PC-6)', () => {
    it('after writing commit: both stocks stay locked until a restarted coordinator commits them', async () => {
      const { roastery, harbour, beans, stocks } = await stores(10_000);
      const transferId = txName();
      await expect(
        transfer(
          coordinator({ faults: crashAt('afterDecision') }),
          roastery,
          harbour,
          beans,
          4_000,
          transferId,
        ),
      ).rejects.toThrow(Crash);
      expect(await roastery.inDoubt()).toEqual([transferId]);
      expect(await harbour.inDoubt()).toEqual([transferId]);
      expect(await stocks()).toEqual([
        { grams: 10_000, lockedBy: transferId },
        { grams: 0, lockedBy: transferId },
      ]);
      const report = await coordinator().recover([roastery, harbour]);
      expect(report.completed).toContainEqual({ txId: transferId, outcome: 'committed' });
      expect(report.failed).toEqual([]);
      expect(await stocks()).toEqual([unlocked(6_000), unlocked(4_000)]);
      // Commit is idempotent: again, nothing moves; a rollback after it is refused.
      await roastery.commit(transferId);
      await harbour.commit(transferId);
      await expect(roastery.rollback(transferId)).rejects.toThrow('it committed');
      expect(await stocks()).toEqual([unlocked(6_000), unlocked(4_000)]);
    });

    it('after logging the begin: a restart rolls back, and a rollback again changes nothing', async () => {
      const { roastery, harbour, beans, stocks } = await stores(10_000);
      const transferId = txName();
      await expect(
        transfer(coordinator({ faults: crashAt('afterBegin') }), roastery, harbour, beans, 4_000, transferId),
      ).rejects.toThrow(Crash);
      expect((await coordinator().recover([roastery, harbour])).completed).toContainEqual({
        txId: transferId,
        outcome: 'aborted',
      });
      await roastery.rollback(transferId);
      await expect(roastery.commit(transferId)).rejects.toThrow('it is aborted');
      // A prepare that arrives after the rollback votes no: the roastery never locks for a transfer it rolled back.
      expect(await roastery.prepare(transferId, { storeId: 'roastery', beans, changeGrams: -4_000 })).toBe(
        'no',
      );
      expect(await stocks()).toEqual([unlocked(10_000), unlocked(0)]);
    });
  });
});

function crashAt(point: TwoPhaseCrashPoint) {
  return (reached: TwoPhaseCrashPoint, context: { txId: string }) => {
    if (reached === point) throw new Crash(reached, context);
  };
}
