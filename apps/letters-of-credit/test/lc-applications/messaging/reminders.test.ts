import { type ManualClock, manualClock } from '@tessera/platform/scheduling';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_START_MS, type LCHost, startLCHost, submitted } from '../../support/host.js';

const DAY_MS = 1_000;
const TEN_DAYS = 10 * DAY_MS;

describe.each(testSetups)(
  'Approval reminders at +10 and +20 days, past due at +30, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: LCHost;
    let clock: ManualClock;
    beforeAll(async () => {
      clock = manualClock(new Date('2026-12-06T09:00:00Z'));
      api = await startLCHost(backend, { broker, clock, dayMs: DAY_MS });
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const pendingDeadline = async (id: string) =>
      (
        await api.db.query<{ due_at: Date }>('SELECT due_at FROM lc_applications.deadlines WHERE id = $1', [
          `lc:approval-reminder:${id}`,
        ])
      ).rows[0]?.due_at;
    const application = async (id: string) =>
      (await api.manager.call('GET', `/api/lc-applications/${id}`)).json<{
        status: string;
        approvalReminders: number;
        pastDue: boolean;
      }>();

    it('reminds trade finance twice, ten days apart, then says the application is past due, and stops', async () => {
      const id = await submitted(api.applicant());
      const submittedAt = clock.now().getTime();
      expect((await pendingDeadline(id))?.getTime()).toBe(submittedAt + TEN_DAYS);

      clock.advance(TEN_DAYS);
      expect((await api.published.next('lcapplications.LCApprovalPending', id)).data).toMatchObject({
        reminder: 1,
      });
      clock.advance(TEN_DAYS);
      expect((await api.published.next('lcapplications.LCApprovalPending', id, 2)).data).toMatchObject({
        reminder: 2,
      });
      clock.advance(TEN_DAYS);
      await api.published.next('lcapplications.LCApprovalPastDue', id);

      expect(await application(id)).toMatchObject({
        status: 'submitted',
        approvalReminders: 2,
        pastDue: true,
      });
      expect(await pendingDeadline(id)).toBeUndefined();
      // Two reminders and one past due, each published once.
      const about = api.published.messages.filter((message) => message.key === id);
      expect(about.filter((message) => message.type === 'lcapplications.LCApprovalPending')).toHaveLength(2);
      expect(about.filter((message) => message.type === 'lcapplications.LCApprovalPastDue')).toHaveLength(1);
    });

    it('counts the second reminder from the submit, not from a late first one', async () => {
      const id = await submitted(api.applicant());
      const submittedAt = clock.now().getTime();
      clock.advance(TEN_DAYS + 3 * DAY_MS);
      await api.published.next('lcapplications.LCApprovalPending', id);
      expect((await pendingDeadline(id))?.getTime()).toBe(submittedAt + 2 * TEN_DAYS);
    });

    it.each(['approve', 'decline'] as const)(
      'cancels the reminders when trade finance decides (%s) within ten days',
      async (decision) => {
        const id = await submitted(api.applicant());
        expect(await pendingDeadline(id)).toBeDefined();
        const decided = await api.manager.call('POST', `/api/lc-applications/${id}/${decision}`);
        expect(decided.statusCode, decided.body).toBe(204);
        expect(await pendingDeadline(id)).toBeUndefined();
      },
    );

    it('cancels the reminders when the applicant cancels a submitted application', async () => {
      const applicant = api.applicant();
      const id = await submitted(applicant);
      expect((await applicant.call('POST', `/api/lc-applications/${id}/cancel`)).statusCode).toBe(204);
      expect(await pendingDeadline(id)).toBeUndefined();
      expect((await application(id)).status).toBe('canceled');
    });
  },
);
