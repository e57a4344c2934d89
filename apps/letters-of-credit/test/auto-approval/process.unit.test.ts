import { randomUUID } from 'node:crypto';
import { type Envelope, PoisonMessageError } from '@tessera/platform/messaging';
import {
  type ProcessInput,
  type ProcessInstance,
  processTransition,
  type StepReply,
  type Transition,
} from '@tessera/platform/sagas';
import { describe, expect, it } from 'vitest';
import {
  APPROVE_COMMAND,
  AUTO_APPROVAL_CHANNEL,
  autoApprovalProcess,
} from '../../src/auto-approval/application/process.js';
import type { AutoApproval } from '../../src/auto-approval/domain/auto-approval.js';
import { LC_APPLICATIONS_COMMAND_CHANNEL } from '../../src/lc-applications/contract/integration-events.js';
import {
  approvedEvent,
  CHECK_TYPES,
  type CheckType,
  checkMessage,
  lcEvent,
  rejected,
  submittedEvent,
} from './messages.js';

type Moved = Transition<ProcessInstance<AutoApproval>>;

/**
 * One application's saga on the pure core, as the coordinator runs it: each message is correlated, then
 * moves the instance the previous one left (or starts it). `last` is what the latest message did.
 */
function saga(lc = randomUUID()) {
  let instance: ProcessInstance<AutoApproval> | undefined;
  const feed = (id: string, input: ProcessInput): Moved | undefined => {
    const moved = processTransition<AutoApproval>(autoApprovalProcess, instance, id, input);
    if (moved) instance = moved.instance;
    return moved;
  };
  return {
    lc,
    get instance() {
      return instance;
    },
    /** Feeds the messages in order; answers what the last one did (undefined: it concerned no instance). */
    hear(...messages: Envelope[]): Moved | undefined {
      let moved: Moved | undefined;
      for (const message of messages) {
        const id = autoApprovalProcess.correlate(message);
        expect(id).toBe(lc);
        moved = feed(lc, { kind: 'message', message });
      }
      return moved;
    },
    reply(reply: StepReply) {
      return feed(lc, { kind: 'reply', messageId: randomUUID(), reply });
    },
  };
}

const submittedWorth = (cents: number, currency = 'USD') => {
  const run = saga();
  return { run, moved: run.hear(submittedEvent(run.lc, cents, currency))! };
};
const allApproved = (lc: string) => CHECK_TYPES.map((type) => checkMessage(type, lc));
const commandsOf = (moved: Moved | undefined) => moved?.commands ?? [];
const lastEvent = (moved: Moved | undefined) => moved?.history.at(-1)?.event;

/** Every order of the three checks. */
const orders = (items: readonly CheckType[]): CheckType[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((first) =>
        orders(items.filter((other) => other !== first)).map((rest) => [first, ...rest]),
      );

describe('the auto-approval saga, on the pure core (§9.8)', () => {
  describe('starts on a submission (41) and ends at once when the application is not eligible (42)', () => {
    it.each([
      ['USD 9,999.00 (the threshold less a dollar)', 999_900],
      ['exactly USD 10,000.00 (the reference code keeps it: auto-approvable)', 1_000_000],
      ['USD 1,000.00', 100_000],
    ])('%s: one running instance, waiting for the checks', (_amount, cents) => {
      const { run, moved } = submittedWorth(cents);
      expect(moved.instance).toMatchObject({
        id: run.lc,
        status: 'running',
        data: { lcApplicationId: run.lc, amountCents: cents, passed: [], approvalRequested: false },
      });
      expect(moved.commands).toEqual([]);
      expect(moved.history.map((entry) => entry.event)).toEqual(['started']);
    });

    it.each([
      ['USD 10,000.01', 1_000_001, 'USD', 'the amount is over USD 10,000.00'],
      ['USD 10,001.00 (the threshold and a dollar)', 1_000_100, 'USD', 'the amount is over USD 10,000.00'],
      ['EUR 5,000.00 (LCs are issued in USD only)', 500_000, 'EUR', 'the amount is in EUR, not USD'],
      ['INR 100.00', 10_000, 'INR', 'the amount is in INR, not USD'],
    ])('%s: started and ended at once, no command, saying why', (_amount, cents, currency, why) => {
      const { moved } = submittedWorth(cents, currency);
      expect(moved.instance.status).toBe('completed');
      expect(moved.instance.data.ending).toEqual({ reason: 'not-eligible', detail: why });
      expect(moved.commands).toEqual([]);
      expect(moved.history.map((entry) => entry.event)).toEqual(['started', 'ended']);
    });

    it('a check of an ineligible application does nothing: recorded as after the end', () => {
      const { run } = submittedWorth(1_000_001);
      for (const message of allApproved(run.lc)) {
        const moved = run.hear(message);
        expect(commandsOf(moved)).toEqual([]);
        expect(moved?.history).toEqual([
          expect.objectContaining({
            event: 'ignored',
            detail: expect.objectContaining({ reason: 'process is completed' }),
          }),
        ]);
      }
    });
  });

  describe('approves once the three checks are in and approved, in any order (43)', () => {
    it.each(orders(CHECK_TYPES).map((order) => [order.join(', '), order] as const))(
      '%s: one ApproveLCApplication, sent on the last, keyed by the application',
      (_names, order) => {
        const run = saga();
        run.hear(submittedEvent(run.lc));
        for (const type of order.slice(0, 2)) {
          expect(commandsOf(run.hear(checkMessage(type, run.lc)))).toEqual([]);
        }
        expect(run.instance?.data.approvalRequested).toBe(false);
        const last = run.hear(checkMessage(order[2]!, run.lc))!;
        expect(last.commands).toEqual([
          expect.objectContaining({
            type: APPROVE_COMMAND,
            channel: LC_APPLICATIONS_COMMAND_CHANNEL,
            key: run.lc,
            data: { lcApplicationId: run.lc },
            replyTo: AUTO_APPROVAL_CHANNEL,
          }),
        ]);
        // Still one active saga: it ends on the application's approval, not on its own request.
        expect(last.instance).toMatchObject({ status: 'running', data: { approvalRequested: true } });
      },
    );

    it('approves at exactly USD 10,000.00', () => {
      const { run } = submittedWorth(1_000_000);
      expect(commandsOf(run.hear(...allApproved(run.lc))).map((c) => c.type)).toEqual([APPROVE_COMMAND]);
    });

    it('counts a check heard twice once: two approvals of one check are not three checks', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc));
      const value = checkMessage('compliance.ProductValueValidated', run.lc);
      const legality = checkMessage('compliance.ProductLegalityValidated', run.lc);
      expect(commandsOf(run.hear(value, legality, { ...value, id: randomUUID() }))).toEqual([]);
      expect(run.instance?.data.passed).toEqual(['productValue', 'productLegality']);
    });

    it('sends no second approval for a check heard again (another copy) after it asked', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), ...allApproved(run.lc));
      for (const type of CHECK_TYPES) {
        const again = run.hear(checkMessage(type, run.lc))!;
        expect(again.commands).toEqual([]);
        expect(again.instance.status).toBe('running');
      }
    });

    it('derives the same command id when the reaction is retried (the broker stores it once)', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), ...allApproved(run.lc).slice(0, 2));
      const before = run.instance!;
      const last = checkMessage('onboarding.ApplicantCreditValidated', run.lc);
      const once = processTransition<AutoApproval>(autoApprovalProcess, before, run.lc, {
        kind: 'message',
        message: last,
      })!;
      const retried = processTransition<AutoApproval>(autoApprovalProcess, before, run.lc, {
        kind: 'message',
        message: last,
      })!;
      expect(once.commands[0]!.id).toBe(retried.commands[0]!.id);
    });
  });

  describe('ends after the application is approved (44), declined or canceled', () => {
    it.each(['auto-approval', 'manager'] as const)('approved by %s: ended, no command', (by) => {
      const run = saga();
      run.hear(submittedEvent(run.lc), ...allApproved(run.lc));
      const ended = run.hear(approvedEvent(run.lc, by))!;
      expect(ended.instance).toMatchObject({
        status: 'completed',
        data: { ending: { reason: 'approved', detail: `by ${by}` } },
      });
      expect(ended.commands).toEqual([]);
    });

    it('a manager who approves before the checks ends it: the checks that follow ask nothing', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), checkMessage('compliance.ProductValueValidated', run.lc));
      expect(run.hear(approvedEvent(run.lc, 'manager'))?.instance.status).toBe('completed');
      const late = allApproved(run.lc).map((message) => run.hear(message));
      expect(late.flatMap(commandsOf)).toEqual([]);
      expect(late.map(lastEvent)).toEqual(['ignored', 'ignored', 'ignored']);
    });

    it("a manager's decline before the checks leaves no saga to approve later (the reference's leak)", () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), checkMessage('compliance.ProductLegalityValidated', run.lc));
      const declined = run.hear(
        lcEvent('lcapplications.LCApplicationDeclined', run.lc, { reason: 'Too risky' }),
      )!;
      expect(declined.instance).toMatchObject({
        status: 'completed',
        data: { ending: { reason: 'declined', detail: 'Too risky' } },
      });
      const late = allApproved(run.lc).map((message) => run.hear(message));
      expect(late.flatMap(commandsOf)).toEqual([]);
      expect(run.instance?.data.approvalRequested).toBe(false);
    });

    it('a decline without a reason ends it too', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc));
      const declined = run.hear(lcEvent('lcapplications.LCApplicationDeclined', run.lc))!;
      expect(declined.instance.data.ending).toEqual({ reason: 'declined' });
    });

    it.each(['applicant', 'staff'] as const)(
      'a cancel by the %s ends it, and nothing after asks',
      (canceledBy) => {
        const run = saga();
        run.hear(submittedEvent(run.lc));
        const canceled = run.hear(lcEvent('lcapplications.LCApplicationCanceled', run.lc, { canceledBy }))!;
        expect(canceled.instance.data.ending).toEqual({ reason: 'canceled', detail: `by ${canceledBy}` });
        expect(run.hear(...allApproved(run.lc))?.commands).toEqual([]);
      },
    );
  });

  describe('ends with no command on a rejected decision (45)', () => {
    it.each(CHECK_TYPES)('%s rejected: ended, no command, the check and its remarks kept', (type) => {
      const { run } = submittedWorth(100_000);
      const ended = run.hear(rejected(type, run.lc))!;
      expect(ended.instance.status).toBe('completed');
      expect(ended.commands).toEqual([]);
      expect(ended.instance.data.ending).toEqual({
        reason: 'check-rejected',
        detail: expect.stringMatching(/^(productValue|productLegality|applicantCredit): Rejected!$/),
      });
    });

    it.each(CHECK_TYPES)('%s rejected after the two others approved: ended, no approval ever', (type) => {
      const run = saga();
      run.hear(
        submittedEvent(run.lc),
        ...CHECK_TYPES.filter((other) => other !== type).map((other) => checkMessage(other, run.lc)),
      );
      expect(commandsOf(run.hear(rejected(type, run.lc)))).toEqual([]);
      expect(run.hear(checkMessage(type, run.lc))?.commands).toEqual([]);
      expect(run.instance?.data).toMatchObject({
        approvalRequested: false,
        ending: { reason: 'check-rejected' },
      });
    });

    it('a rejection with empty remarks names the check', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc));
      const ended = run.hear(
        checkMessage('onboarding.ApplicantCreditValidated', run.lc, { approved: false, remarks: '' }),
      )!;
      expect(ended.instance.data.ending).toEqual({ reason: 'check-rejected', detail: 'applicantCredit' });
    });
  });

  describe('duplicates and messages after the end', () => {
    it('a submission heard again (another copy, or a duplicate event) starts nothing and changes nothing', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), checkMessage('compliance.ProductValueValidated', run.lc));
      const before = run.instance;
      const again = run.hear(submittedEvent(run.lc))!;
      expect(again.instance).toBe(before);
      expect(again.history).toEqual([
        expect.objectContaining({
          event: 'ignored',
          detail: expect.objectContaining({ reason: 'already started' }),
        }),
      ]);
      expect(again.commands).toEqual([]);
    });

    it('a submission heard again after the end does not start it again', () => {
      const { run } = submittedWorth(2_000_000);
      const again = run.hear(submittedEvent(run.lc, 100_000))!;
      expect(again.instance.status).toBe('completed');
      expect(lastEvent(again)).toBe('ignored');
    });

    it('anything heard after the end is recorded as ignored, with no command', () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), ...allApproved(run.lc), approvedEvent(run.lc, 'auto-approval'));
      for (const message of [
        ...allApproved(run.lc),
        rejected('compliance.ProductValueValidated', run.lc),
        lcEvent('lcapplications.LCApplicationDeclined', run.lc),
        approvedEvent(run.lc, 'manager'),
      ]) {
        const moved = run.hear(message)!;
        expect(moved.commands).toEqual([]);
        expect(moved.instance.status).toBe('completed');
        expect(moved.history).toEqual([expect.objectContaining({ event: 'ignored' })]);
      }
      expect(run.instance?.data.ending).toEqual({ reason: 'approved', detail: 'by auto-approval' });
    });

    it('a check about an application it never saw submitted concerns no instance', () => {
      const lc = randomUUID();
      const message = checkMessage('compliance.ProductValueValidated', lc);
      expect(autoApprovalProcess.correlate(message)).toBe(lc);
      expect(
        processTransition(autoApprovalProcess, undefined, lc, { kind: 'message', message }),
      ).toBeUndefined();
    });
  });

  describe('the replies to its approval', () => {
    const approving = () => {
      const run = saga();
      run.hear(submittedEvent(run.lc), ...allApproved(run.lc));
      return run;
    };

    it('a success (approved now, or already by the saga) keeps it until the application says approved', () => {
      const run = approving();
      const replied = run.reply({ ok: true, command: APPROVE_COMMAND })!;
      expect(replied.instance.status).toBe('running');
      expect(replied.history).toEqual([expect.objectContaining({ event: 'replied' })]);
      expect(run.hear(approvedEvent(run.lc, 'auto-approval'))?.instance.status).toBe('completed');
    });

    it('a refusal (a manager decided meanwhile) ends it, with the refusal in its state and history', () => {
      const run = approving();
      const refused = run.reply({
        ok: false,
        command: APPROVE_COMMAND,
        kind: 'failed_precondition',
        code: 'lc_application_not_submitted',
        reason: 'the LC application is declined, not submitted: it cannot be decided',
      })!;
      expect(refused.instance).toMatchObject({
        status: 'completed',
        data: {
          ending: {
            reason: 'approval-refused',
            detail:
              'lc_application_not_submitted: the LC application is declined, not submitted: it cannot be decided',
          },
        },
      });
      expect(refused.history.map((entry) => entry.event)).toEqual(['replied', 'ended']);
      expect(refused.commands).toEqual([]);
      // The decline's own event, after: ignored.
      expect(lastEvent(run.hear(lcEvent('lcapplications.LCApplicationDeclined', run.lc)))).toBe('ignored');
    });

    it('a reply after the end is recorded and ignored', () => {
      const run = approving();
      run.hear(approvedEvent(run.lc, 'manager'));
      const late = run.reply({ ok: true, command: APPROVE_COMMAND })!;
      expect(late.instance.status).toBe('completed');
      expect(late.history).toEqual([expect.objectContaining({ event: 'ignored' })]);
    });
  });

  describe('what it listens to', () => {
    it('correlates every message it handles by lcApplicationId, and no other message', () => {
      const lc = randomUUID();
      for (const message of [submittedEvent(lc), ...allApproved(lc), approvedEvent(lc, 'manager')]) {
        expect(autoApprovalProcess.correlate(message)).toBe(lc);
      }
      // Reminders concern no instance: the saga does not even load one for them.
      const reminder = lcEvent('lcapplications.LCApprovalPending', lc, { reminder: 1 });
      expect(autoApprovalProcess.correlate(reminder)).toBeUndefined();
    });

    it('takes data off the contract as poison, naming the field, rather than guessing', () => {
      const lc = randomUUID();
      const bad = checkMessage('compliance.ProductValueValidated', lc, { approved: 'yes' } as never);
      expect(() => autoApprovalProcess.correlate(bad)).toThrow(PoisonMessageError);
      expect(() => autoApprovalProcess.correlate(bad)).toThrow(/data\.decision\.approved/);
      const noId = { ...bad, data: { decision: { approved: true } } };
      expect(() => autoApprovalProcess.correlate(noId)).toThrow(/data\.lcApplicationId/);
    });
  });
});
