/**
 * The TCC transaction manager on its own (spec B.5), with a log and participants in memory: TCC-1..4. The
 * same with real participants on their own databases is try-confirm-cancel.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { memoryTccLog } from '../../../src/building-blocks/transactions/adapters/memory-logs.js';
import { Crash, type TccCrashPoint } from '../../../src/building-blocks/transactions/faults.js';
import { OutcomeNotDelivered } from '../../../src/building-blocks/transactions/outcomes.js';
import { createTransactionManager } from '../../../src/building-blocks/transactions/try-confirm-cancel.js';
import { fakeTccParticipant } from './fakes.js';

const crashAt =
  (point: TccCrashPoint, participant?: string) =>
  (reached: TccCrashPoint, context: { txId: string; participant?: string }) => {
    if (reached === point && (participant === undefined || context.participant === participant)) {
      throw new Crash(reached, context);
    }
  };

describe('a try-confirm-cancel transaction', () => {
  it('confirms every participant once all tries succeeded, and logs it confirmed (TCC-1)', async () => {
    const log = memoryTccLog();
    const manager = createTransactionManager({ log });
    const [hotel, coffeeBux] = [fakeTccParticipant('hotel'), fakeTccParticipant('coffeebux')];
    await manager.begin('T1');
    await manager.attempt('T1', hotel, {});
    await manager.attempt('T1', coffeeBux, {});
    await manager.confirmAll('T1');
    expect([hotel.holds.get('T1'), coffeeBux.holds.get('T1')]).toEqual(['confirmed', 'confirmed']);
    expect(await log.read('T1')).toEqual({
      txId: 'T1',
      status: 'confirmed',
      participants: [
        { name: 'hotel', status: 'confirmed' },
        { name: 'coffeebux', status: 'confirmed' },
      ],
    });
  });

  it('cancels every tried participant when a try fails, and logs it cancelled (TCC-2)', async () => {
    const log = memoryTccLog();
    const manager = createTransactionManager({ log });
    const hotel = fakeTccParticipant('hotel');
    const coffeeBux = fakeTccParticipant('coffeebux', { refuses: true });
    await manager.begin('T1');
    await manager.attempt('T1', hotel, {});
    await expect(manager.attempt('T1', coffeeBux, {})).rejects.toThrow('coffeebux has nothing left to hold');
    await manager.cancelAll('T1');
    expect(hotel.calls).toEqual(['try T1', 'cancel T1']);
    expect(hotel.effects).toEqual({ reserved: 1, madeReal: 0, released: 1 });
    // The refused try held nothing; its cancel is recorded all the same, so that a retried try is refused.
    expect(coffeeBux.effects).toEqual({ reserved: 0, madeReal: 0, released: 0 });
    expect(coffeeBux.holds.get('T1')).toBe('cancelled');
    expect((await log.read('T1'))?.status).toBe('cancelled');
  });

  it('re-sends confirm after a crash mid-confirm; the second confirm changes nothing (TCC-3)', async () => {
    const log = memoryTccLog();
    const [hotel, coffeeBux] = [fakeTccParticipant('hotel'), fakeTccParticipant('coffeebux')];
    const manager = createTransactionManager({ log, faults: crashAt('afterConfirm', 'hotel') });
    await manager.begin('T1');
    await manager.attempt('T1', hotel, {});
    await manager.attempt('T1', coffeeBux, {});
    await expect(manager.confirmAll('T1')).rejects.toThrow(Crash);
    expect([hotel.holds.get('T1'), coffeeBux.holds.get('T1')]).toEqual(['confirmed', 'tried']);
    expect((await log.read('T1'))?.status).toBe('confirming');

    const report = await createTransactionManager({ log }).recover([hotel, coffeeBux]);
    expect(report).toEqual({ completed: [{ txId: 'T1', outcome: 'confirmed' }], failed: [] });
    expect(hotel.calls).toEqual(['try T1', 'confirm T1', 'confirm T1']);
    expect(hotel.effects).toEqual({ reserved: 1, madeReal: 1, released: 0 });
    expect(coffeeBux.effects).toEqual({ reserved: 1, madeReal: 1, released: 0 });
    expect((await log.read('T1'))?.status).toBe('confirmed');
  });

  it('leaves a confirm that failed to recovery, which delivers it', async () => {
    const log = memoryTccLog();
    const hotel = fakeTccParticipant('hotel', { failingConfirms: 1 });
    const manager = createTransactionManager({ log });
    await manager.begin('T1');
    await manager.attempt('T1', hotel, {});
    await expect(manager.confirmAll('T1')).rejects.toThrow(OutcomeNotDelivered);
    expect((await createTransactionManager({ log }).recover([hotel])).completed).toEqual([
      { txId: 'T1', outcome: 'confirmed' },
    ]);
    expect(hotel.holds.get('T1')).toBe('confirmed');
  });

  describe('empty cancel and anti-hanging (TCC-4)', () => {
    it('a cancel before the try changes nothing but is recorded, and the late try is refused', async () => {
      const hotel = fakeTccParticipant('hotel');
      await hotel.cancel('T1');
      expect(hotel.effects).toEqual({ reserved: 0, madeReal: 0, released: 0 });
      expect(hotel.holds.get('T1')).toBe('cancelled');
      await expect(hotel.try('T1', {})).rejects.toThrow('hotel: transaction T1 was cancelled before its try');
      expect(hotel.effects.reserved).toBe(0);
    });

    it('a manager that died between registering and trying: recovery cancels, the try still on its way is refused', async () => {
      const log = memoryTccLog();
      const hotel = fakeTccParticipant('hotel');
      const manager = createTransactionManager({ log, faults: crashAt('afterRegister') });
      await manager.begin('T1');
      await expect(manager.attempt('T1', hotel, {})).rejects.toThrow(Crash);
      expect((await createTransactionManager({ log }).recover([hotel])).completed).toEqual([
        { txId: 'T1', outcome: 'cancelled' },
      ]);
      expect(hotel.calls).toEqual(['cancel T1']);
      await expect(hotel.try('T1', {})).rejects.toThrow('cancelled before its try');
      // Nobody joins a decided transaction either.
      await expect(
        createTransactionManager({ log }).register('T1', fakeTccParticipant('spa')),
      ).rejects.toThrow('transaction T1 is cancelled: no new participant');
    });
  });

  it('refuses to confirm what was cancelled, and to cancel what was confirmed', async () => {
    const manager = createTransactionManager({ log: memoryTccLog() });
    const hotel = fakeTccParticipant('hotel');
    await manager.begin('T1');
    await manager.attempt('T1', hotel, {});
    await manager.cancelAll('T1');
    await expect(manager.confirmAll('T1')).rejects.toThrow(
      'transaction T1 was cancelled; it cannot be confirmed',
    );
    await manager.begin('T2');
    await manager.attempt('T2', hotel, {});
    await manager.confirmAll('T2');
    await manager.confirmAll('T2'); // again: nothing to do
    await expect(manager.cancelAll('T2')).rejects.toThrow(
      'transaction T2 was confirmed; it cannot be cancelled',
    );
    expect(hotel.effects).toEqual({ reserved: 2, madeReal: 1, released: 1 });
  });
});
