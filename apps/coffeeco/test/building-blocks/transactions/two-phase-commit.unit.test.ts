/**
 * The two-phase coordinator on its own (spec B.4), with a log and participants in memory: 2PC-1..4 and 2PC-6's
 * protocol; the same on real databases is two-phase-commit.test.ts, every crash point is fault-injection.test.ts.
 */
import { manualClock } from '@tessera/platform/scheduling';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryTwoPhaseLog } from '../../../src/building-blocks/transactions/adapters/memory-logs.js';
import { Crash, isCrash, type TwoPhaseCrashPoint } from '../../../src/building-blocks/transactions/faults.js';
import { OutcomeNotDelivered } from '../../../src/building-blocks/transactions/outcomes.js';
import {
  createTwoPhaseCoordinator,
  enlist,
  type TwoPhaseLog,
} from '../../../src/building-blocks/transactions/two-phase-commit.js';
import { deferred, type FakeTwoPhaseParticipant, fakeTwoPhaseParticipant } from './fakes.js';

const TIMEOUT = { prepareTimeoutMs: 1_000 };
const work = (...participants: FakeTwoPhaseParticipant[]) => participants.map((p) => enlist(p, {}));
/** Whether `promise` has settled once everything already under way has run (one turn of the event loop). */
const settledYet = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((turn) => setImmediate(turn));
  return settled;
};
const crashAt =
  (point: TwoPhaseCrashPoint, participant?: string) =>
  (reached: TwoPhaseCrashPoint, context: { txId: string; participant?: string }) => {
    if (reached === point && (participant === undefined || context.participant === participant)) {
      throw new Crash(reached, context);
    }
  };

describe('a two-phase commit', () => {
  it('commits every participant when all vote yes (2PC-1)', async () => {
    const log = memoryTwoPhaseLog();
    const [roastery, harbour] = [fakeTwoPhaseParticipant('roastery'), fakeTwoPhaseParticipant('harbour')];
    const outcome = await createTwoPhaseCoordinator({ log }).run('T1', work(roastery, harbour), TIMEOUT);
    expect(outcome).toBe('committed');
    expect([roastery.states.get('T1'), harbour.states.get('T1')]).toEqual(['committed', 'committed']);
    expect(await log.read('T1')).toEqual({
      txId: 'T1',
      participants: ['roastery', 'harbour'],
      decision: 'commit',
      completed: true,
    });
  });

  it.each([
    ['votes no', 'no'],
    ['throws', 'throw'],
  ] as const)('rolls back every asked participant when one %s (2PC-2)', async (_, vote) => {
    const log = memoryTwoPhaseLog();
    const roastery = fakeTwoPhaseParticipant('roastery');
    const harbour = fakeTwoPhaseParticipant('harbour', { vote });
    const outcome = await createTwoPhaseCoordinator({ log }).run('T1', work(roastery, harbour), TIMEOUT);
    expect(outcome).toBe('aborted');
    expect(roastery.calls).toEqual(['prepare T1', 'rollback T1']);
    expect(harbour.calls).toEqual(['prepare T1', 'rollback T1']);
    expect([roastery.states.get('T1'), harbour.states.get('T1')]).toEqual(['aborted', 'aborted']);
    expect((await log.read('T1'))?.decision).toBe('abort');
  });

  it('aborts when a vote is late, and the late prepare then votes no (2PC-3)', async () => {
    const clock = manualClock();
    const slowly = deferred();
    const roastery = fakeTwoPhaseParticipant('roastery');
    const harbour = fakeTwoPhaseParticipant('harbour', { arrives: slowly.promise });
    const running = createTwoPhaseCoordinator({ log: memoryTwoPhaseLog(), clock }).run(
      'T1',
      work(roastery, harbour),
      TIMEOUT,
    );
    await roastery.heard('prepare T1');
    clock.advance(999);
    expect(await settledYet(running)).toBe(false); // one millisecond to go
    clock.advance(1);
    expect(await running).toBe('aborted');
    expect(harbour.calls).toEqual(['rollback T1']);
    slowly.resolve();
    await expect(harbour.prepare('T1', {})).resolves.toBe('no');
    expect([roastery.states.get('T1'), harbour.states.get('T1')]).toEqual(['aborted', 'aborted']);
  });

  it('refuses a transaction id it has already run, asking no participant', async () => {
    const log = memoryTwoPhaseLog();
    const coordinator = createTwoPhaseCoordinator({ log });
    await coordinator.run('T1', work(fakeTwoPhaseParticipant('roastery')), TIMEOUT);
    const again = fakeTwoPhaseParticipant('roastery');
    await expect(coordinator.run('T1', work(again), TIMEOUT)).rejects.toThrow(
      'transaction T1 was begun already',
    );
    expect(again.calls).toEqual([]);
  });

  it('leaves a commit that did not reach a participant to recovery, which delivers it', async () => {
    const log = memoryTwoPhaseLog();
    const roastery = fakeTwoPhaseParticipant('roastery');
    const harbour = fakeTwoPhaseParticipant('harbour', { failingCommits: 1 });
    const failure = await createTwoPhaseCoordinator({ log })
      .run('T1', work(roastery, harbour), TIMEOUT)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutcomeNotDelivered);
    expect(failure).toMatchObject({ outcome: 'committed', failures: [{ participant: 'harbour' }] });
    expect(harbour.states.get('T1')).toBe('prepared'); // still locked
    const report = await createTwoPhaseCoordinator({ log }).recover([roastery, harbour]);
    expect(report).toEqual({ completed: [{ txId: 'T1', outcome: 'committed' }], failed: [] });
    expect([roastery.states.get('T1'), harbour.states.get('T1')]).toEqual(['committed', 'committed']);
  });

  describe('a coordinator that crashes (2PC-6)', () => {
    it('after all voted yes and before deciding: the participants stay locked; a restart aborts', async () => {
      const log = memoryTwoPhaseLog();
      const participants = [fakeTwoPhaseParticipant('roastery'), fakeTwoPhaseParticipant('harbour')];
      let votes = 0;
      const faults = (point: TwoPhaseCrashPoint, context: { txId: string }) => {
        if (point === 'afterPrepare' && ++votes === 2) throw new Crash(point, context);
      };
      await expect(
        createTwoPhaseCoordinator({ log, faults }).run('T1', work(...participants), TIMEOUT),
      ).rejects.toThrow(Crash);
      expect(participants.map((p) => p.states.get('T1'))).toEqual(['prepared', 'prepared']);
      const report = await createTwoPhaseCoordinator({ log }).recover(participants);
      expect(report.completed).toEqual([{ txId: 'T1', outcome: 'aborted' }]);
      expect(participants.map((p) => p.states.get('T1'))).toEqual(['aborted', 'aborted']);
      expect(await log.read('T1')).toMatchObject({ decision: 'abort', completed: true });
    });

    it('after writing commit: the participants stay locked; a restart commits, and again changes nothing', async () => {
      const log = memoryTwoPhaseLog();
      const participants = [fakeTwoPhaseParticipant('roastery'), fakeTwoPhaseParticipant('harbour')];
      await expect(
        createTwoPhaseCoordinator({ log, faults: crashAt('afterDecision') }).run(
          'T1',
          work(...participants),
          TIMEOUT,
        ),
      ).rejects.toThrow(Crash);
      expect(participants.map((p) => p.states.get('T1'))).toEqual(['prepared', 'prepared']);
      const restarted = createTwoPhaseCoordinator({ log });
      expect((await restarted.recover(participants)).completed).toEqual([
        { txId: 'T1', outcome: 'committed' },
      ]);
      expect(participants.map((p) => p.states.get('T1'))).toEqual(['committed', 'committed']);
      // Commit and rollback are idempotent: the second commit is accepted and changes nothing.
      await participants[0]!.commit('T1');
      await participants[1]!.rollback('T1').catch(() => {});
      expect(participants.map((p) => p.states.get('T1'))).toEqual(['committed', 'committed']);
      expect((await restarted.recover(participants)).completed).toEqual([]);
    });

    it('does nothing more once crashed, even for a vote still on its way', async () => {
      const log = memoryTwoPhaseLog();
      const slowly = deferred();
      const roastery = fakeTwoPhaseParticipant('roastery');
      const harbour = fakeTwoPhaseParticipant('harbour', { arrives: slowly.promise });
      const running = createTwoPhaseCoordinator({ log, faults: crashAt('afterPrepare', 'roastery') }).run(
        'T1',
        work(roastery, harbour),
        TIMEOUT,
      );
      await expect(running).rejects.toThrow(Crash);
      slowly.resolve();
      await harbour.heard('prepare T1'); // it lands and votes yes: nobody is listening any more
      expect(await log.read('T1')).toEqual({
        txId: 'T1',
        participants: ['roastery', 'harbour'],
        completed: false,
      });
      expect(roastery.calls).toEqual(['prepare T1']);
      expect(harbour.states.get('T1')).toBe('prepared');
      await createTwoPhaseCoordinator({ log }).recover([roastery, harbour]);
      expect([roastery.states.get('T1'), harbour.states.get('T1')]).toEqual(['aborted', 'aborted']);
    });
  });

  it('lets the first decision win: a slow coordinator rolls back what a recovery aborted (2PC-4)', async () => {
    const memory = memoryTwoPhaseLog();
    const held = deferred();
    const reached = deferred();
    let first = true;
    // The running coordinator's decision reaches the log late: a recovery runs in between.
    const log: TwoPhaseLog = {
      ...memory,
      async decide(txId, decision) {
        if (first) {
          first = false;
          reached.resolve();
          await held.promise;
        }
        return memory.decide(txId, decision);
      },
    };
    const participants = [fakeTwoPhaseParticipant('roastery'), fakeTwoPhaseParticipant('harbour')];
    const running = createTwoPhaseCoordinator({ log }).run('T1', work(...participants), TIMEOUT);
    await reached.promise;
    expect(participants.map((p) => p.states.get('T1'))).toEqual(['prepared', 'prepared']);
    const recovery = createTwoPhaseCoordinator({ log: memory }).recover(participants);
    expect((await recovery).completed).toEqual([{ txId: 'T1', outcome: 'aborted' }]);
    held.resolve();
    expect(await running).toBe('aborted');
    expect(participants.flatMap((p) => p.violations)).toEqual([]);
    expect(participants.map((p) => p.states.get('T1'))).toEqual(['aborted', 'aborted']);
  });

  it('never commits one participant while another aborts, whatever the votes, delays and crashes (2PC-4)', async () => {
    const vote = fc.oneof(
      { arbitrary: fc.constant('yes' as const), weight: 6 },
      { arbitrary: fc.constant('no' as const), weight: 1 },
      { arbitrary: fc.constant('throw' as const), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(vote, { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat({ max: 10 }), { nil: undefined }),
        fc.boolean(),
        async (s, votes, crashAtStep, recoverMeanwhile) => {
          const log = memoryTwoPhaseLog();
          const clock = manualClock();
          const network = (label: string) => s.schedule(Promise.resolve(), label);
          const participants = votes.map((v, i) => fakeTwoPhaseParticipant(`P${i}`, { vote: v, network }));
          let steps = 0;
          const faults = (point: TwoPhaseCrashPoint, context: { txId: string }) => {
            if (steps++ === crashAtStep) throw new Crash(point, context);
          };
          const running = createTwoPhaseCoordinator({ log, clock, faults })
            .run('T1', work(...participants), TIMEOUT)
            .then(
              (outcome) => ({ outcome }),
              (error: unknown) => {
                if (!isCrash(error) && !(error instanceof OutcomeNotDelivered)) throw error;
                return { error };
              },
            );
          // The prepare timeout may strike at any moment; another coordinator may recover meanwhile.
          void s
            .schedule(Promise.resolve(), 'the prepare timeout')
            .then(() => clock.advance(TIMEOUT.prepareTimeoutMs));
          const meanwhile = recoverMeanwhile
            ? s
                .schedule(Promise.resolve(), 'a recovery meanwhile')
                .then(() => createTwoPhaseCoordinator({ log, clock }).recover(participants))
            : undefined;
          const result = await s.waitFor(running);
          if (meanwhile) await s.waitFor(meanwhile);
          await s.waitIdle();
          // The restart after it all, then whatever is still on its way.
          const report = await s.waitFor(createTwoPhaseCoordinator({ log, clock }).recover(participants));
          await s.waitIdle();

          const states = participants.map((p) => p.states.get('T1'));
          expect(participants.flatMap((p) => p.violations)).toEqual([]);
          expect(report.failed).toEqual([]);
          expect(states).not.toContain('prepared'); // nothing left locked
          const record = (await log.read('T1'))!;
          expect(record.completed).toBe(true);
          if (record.decision === 'commit') {
            expect(votes.every((v) => v === 'yes')).toBe(true);
            expect(states.every((state) => state === 'committed')).toBe(true);
          } else {
            expect(states.every((state) => state === 'aborted' || state === undefined)).toBe(true);
          }
          if ('outcome' in result)
            expect(result.outcome).toBe(record.decision === 'commit' ? 'committed' : 'aborted');
        },
      ),
      { numRuns: 150, timeout: 1000 },
    );
  });
});
