import { sagaInspection } from '@tessera/platform/sagas';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoApproval, REMINDER_MS, runAutoApproval } from './auto-approval.js';
import { openSagaTestbed, type SagaTestbed, unique } from './support.js';

describe.each(testSetups)(
  'a process manager with the $broker broker, on $backend.backend',
  ({ backend, broker: kind }) => {
    let bed: SagaTestbed;
    let running: Awaited<ReturnType<typeof runAutoApproval>>;
    const received = () => running.received;

    beforeAll(async () => {
      bed = await openSagaTestbed(backend, kind);
      running = await runAutoApproval(bed);
    });
    afterAll(async () => {
      await running?.stop();
      await bed?.close();
    });

    const publish = (lc: string, type: string, data: Record<string, unknown> = {}) =>
      running.publish(lc, type, data);
    const instance = (lc: string) => sagaInspection(bed.db).get(autoApproval.name, lc);
    const commandsFor = (lc: string) =>
      received()
        .items.filter((c) => c.key === lc)
        .map((c) => c.type);

    it('starts on submission, approves once the three checks pass, and ends on the approval', async () => {
      const lc = `lc-${unique()}`;
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 1_000_000, currency: 'USD' });
      // A submission seen twice (another id) starts nothing more.
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 1_000_000, currency: 'USD' });
      for (const check of ['ProductValueValidated', 'ProductLegalityValidated', 'ApplicantCreditValidated']) {
        await publish(lc, `lcapi.${check}`, { decision: 'APPROVED' });
      }
      await bed.until(lc, 'replied');
      expect(commandsFor(lc)).toEqual(['lcapi.ApproveLCApplication']);
      expect(await bed.deadlines.get(`lc.AutoApproval:${lc}:deadline:approvalReminder`)).toBeDefined();
      await publish(lc, 'lcapi.LCApplicationApproved');
      await bed.until(lc, 'ended');
      const ended = (await instance(lc))!;
      expect(ended).toMatchObject({ status: 'completed', deadlines: [], data: { approvalSent: true } });
      expect(ended.history.map((h) => h.event)).toEqual([
        'started',
        'ignored',
        'handled',
        'handled',
        'handled',
        'sent',
        'replied',
        'handled',
        'ended',
      ]);
      expect(await bed.deadlines.get(`lc.AutoApproval:${lc}:deadline:approvalReminder`)).toBeUndefined();
    });

    it('reminds the manager after ten days, twice, through durable deadlines, and ends on a decline', async () => {
      const lc = `lc-${unique()}`;
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 20_000, currency: 'USD' });
      await bed.until(lc, 'started');
      bed.clock.advance(REMINDER_MS);
      await bed.until(lc, 'deadline');
      bed.clock.advance(REMINDER_MS);
      await bed.until(lc, 'deadline', 2);
      await received().until((all) => all.filter((c) => c.type === 'lcapi.RemindManager').length >= 2);
      expect(
        received()
          .items.filter((c) => c.type === 'lcapi.RemindManager')
          .map((c) => c.data),
      ).toEqual([{ reminder: 1 }, { reminder: 2 }]);
      expect(await instance(lc)).toMatchObject({ status: 'running', deadlines: [], data: { reminders: 2 } });
      await publish(lc, 'lcapi.LCApplicationDeclined');
      await bed.until(lc, 'ended');
      expect(commandsFor(lc)).toEqual([]);
    });

    it('ends at once over the threshold, and ignores what comes after', async () => {
      const lc = `lc-${unique()}`;
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 1_000_001, currency: 'USD' });
      await publish(lc, 'lcapi.ProductValueValidated', { decision: 'APPROVED' });
      await bed.until(lc, 'ignored');
      expect((await instance(lc))!.history.map((h) => h.event)).toEqual(['started', 'ended', 'ignored']);
      expect(await bed.deadlines.get(`lc.AutoApproval:${lc}:deadline:approvalReminder`)).toBeUndefined();
    });
  },
);
