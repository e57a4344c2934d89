import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Transition } from '@tessera/platform/sagas';
import { describe, expect, it } from 'vitest';
import { type ProcessInput, type ProcessInstance, processTransition } from '../../src/sagas/process-core.js';
import { type AutoApproval, autoApproval, LC_EVENTS, REMINDER_MS } from './auto-approval.js';

const LC = 'lc-1';
const event = (type: string, data: Record<string, unknown> = {}): Envelope =>
  newEnvelope('lc', { type, subject: LC_EVENTS, key: LC, data: { lcApplicationId: LC, ...data } });
const submitted = (amountCents = 500_000, currency = 'USD') =>
  event('lcapi.LCApplicationSubmitted', { amountCents, currency });
const check = (name: string, decision = 'APPROVED') => event(`lcapi.${name}`, { decision });

/** Given messages, each fed to the instance the previous one left. */
function given(...messages: Envelope[]) {
  let instance: ProcessInstance<AutoApproval> | undefined;
  let last: Transition<ProcessInstance<AutoApproval>> | undefined;
  const when = (input: ProcessInput) => {
    last = processTransition(autoApproval, instance, LC, input);
    if (last) instance = last.instance;
    return last;
  };
  for (const message of messages) when({ kind: 'message', message });
  return {
    get instance() {
      return instance;
    },
    when: (message: Envelope) => when({ kind: 'message', message }),
    deadline: (name: string) => when({ kind: 'deadline', messageId: `d-${name}`, deadline: { name } }),
  };
}

describe('the LC auto-approval process manager, on the pure core', () => {
  it('starts on submission with a reminder due in ten days', () => {
    const run = given();
    const started = run.when(submitted())!;
    expect(started.instance).toMatchObject({ status: 'running', deadlines: ['approvalReminder'] });
    expect(started.schedule).toEqual([
      expect.objectContaining({
        id: 'lc.AutoApproval:lc-1:deadline:approvalReminder',
        afterMs: REMINDER_MS,
        type: 'sagas.DeadlineReached',
      }),
    ]);
    expect(started.commands).toEqual([]);
  });

  it.each([
    [1_000_001, 'USD', 'completed'],
    [1_000_000, 'USD', 'running'],
    [500_000, 'EUR', 'completed'],
  ])('an amount of %i %s leaves it %s', (amount, currency, status) => {
    const started = given().when(submitted(amount, currency))!;
    expect(started.instance.status).toBe(status);
    if (status === 'completed') expect(started.schedule).toEqual([]);
  });

  it('approves once all three checks passed, in any order, and ends on the approval, canceling the reminder', () => {
    const run = given(submitted(), check('ProductLegalityValidated'), check('ApplicantCreditValidated'));
    expect(run.instance!.data).toMatchObject({
      productLegalityValidated: true,
      applicantValidated: true,
      approvalSent: false,
    });
    const approving = run.when(check('ProductValueValidated'))!;
    expect(approving.commands).toEqual([
      expect.objectContaining({
        type: 'lcapi.ApproveLCApplication',
        key: LC,
        data: { lcApplicationId: LC },
        replyTo: 'test.lc.autoapproval',
      }),
    ]);
    // A repeated check does not approve twice.
    expect(run.when(check('ProductValueValidated'))!.commands).toEqual([]);
    const ended = run.when(event('lcapi.LCApplicationApproved'))!;
    expect(ended.instance).toMatchObject({ status: 'completed', deadlines: [] });
    expect(ended.cancel).toEqual(['lc.AutoApproval:lc-1:deadline:approvalReminder']);
    expect(run.when(check('ApplicantCreditValidated'))!.history[0]).toMatchObject({
      event: 'ignored',
      detail: { reason: 'process is completed' },
    });
  });

  it('ends without approving on a rejected check or a decline', () => {
    const rejected = given(submitted(), check('ProductValueValidated'));
    const ended = rejected.when(check('ApplicantCreditValidated', 'REJECTED'))!;
    expect(ended.instance.status).toBe('completed');
    expect(ended.commands).toEqual([]);
    expect(ended.cancel).toHaveLength(1);
    expect(given(submitted()).when(event('lcapi.LCApplicationDeclined'))!.instance.status).toBe('completed');
  });

  it('ignores a second submission and anything about an application it never saw start', () => {
    const run = given(submitted());
    expect(run.when(submitted())!.history[0]).toMatchObject({
      event: 'ignored',
      detail: { reason: 'already started' },
    });
    expect(given().when(check('ProductValueValidated'))).toBeUndefined();
  });

  it('reminds the manager when the deadline passes, twice at most', () => {
    const run = given(submitted());
    const first = run.deadline('approvalReminder')!;
    expect(first.commands.map((c) => [c.type, c.data])).toEqual([['lcapi.RemindManager', { reminder: 1 }]]);
    expect(first.schedule).toHaveLength(1);
    const second = run.deadline('approvalReminder')!;
    expect(second.schedule).toEqual([]);
    expect(second.instance.deadlines).toEqual([]);
    // Each reminder sends a command of its own id.
    expect(second.commands[0]!.id).not.toBe(first.commands[0]!.id);
    expect(second.schedule).toEqual([]);
  });
});
