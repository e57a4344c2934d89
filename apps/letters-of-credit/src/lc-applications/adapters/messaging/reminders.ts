import type { RecordedEvent } from '@tessera/platform/eventstore';
import {
  type Broker,
  derivedId,
  newEnvelope,
  onMessages,
  type Subscribed,
} from '@tessera/platform/messaging';
import type { Clock, Deadlines } from '@tessera/platform/scheduling';
import { z } from 'zod';
import type { LCApplicationCommands } from '../../application/commands.js';
import * as LCApplication from '../../domain/lc-application.js';

/** The module's own channel for its reminders: the deadline's message comes back to it only. */
export const REMINDER_CHANNEL = 'letters-of-credit.lc-applications.internal.ApprovalReminders';
export const REMINDERS_GROUP = 'lc-applications-reminders';
const REMINDER_DUE = 'lc.ApprovalReminderDue';

const reminderDue = {
  [REMINDER_DUE]: z.strictObject({ lcApplicationId: z.uuid(), reminder: z.number().int().positive() }),
};

/** One pending reminder per application: each one scheduled replaces the last. */
const deadlineId = (id: string) => `lc:approval-reminder:${id}`;

/** What ends the wait for a decision, and with it the reminders. */
const DECIDED: ReadonlySet<string> = new Set([
  'lc.LCApplicationApproved',
  'lc.LCApplicationDeclined',
  'lc.LCApplicationCanceled',
  'lc.LCApprovalPastDue',
]);

/**
 * The approval reminders as durable deadlines (ADR 0011), written in the transaction of the save that calls
 * for them: a submit schedules the first, ten days on; each reminder sent schedules the next, counted from
 * the submit (so a late firing does not push the others back); the third makes it past due; a decision or a
 * cancel removes what is pending. `dayMs` is the length of a day: shorter in tests and in the demo.
 */
export function approvalReminders(deadlines: Deadlines, { clock, dayMs }: { clock: Clock; dayMs: number }) {
  const schedule = async (id: string, submittedAt: string, reminder: number) => {
    const at = new Date(Date.parse(submittedAt) + reminder * LCApplication.APPROVAL_REMINDER_DAYS * dayMs);
    await deadlines.schedule({
      id: deadlineId(id),
      at,
      envelope: newEnvelope(
        'lc-applications',
        {
          id: derivedId(`${deadlineId(id)}#${reminder}`, 0),
          type: REMINDER_DUE,
          subject: REMINDER_CHANNEL,
          key: id,
          data: { lcApplicationId: id, reminder },
        },
        { now: clock.now() },
      ),
    });
  };
  return {
    async afterSave(id: string, state: LCApplication.State, recorded: readonly RecordedEvent[]) {
      for (const event of recorded) {
        if (event.type === 'lc.LCApplicationSubmitted' && state.submittedAt) {
          await schedule(id, state.submittedAt, 1);
        } else if (event.type === 'lc.LCApprovalPending' && state.submittedAt) {
          await schedule(id, state.submittedAt, Number((event.data as { reminder: number }).reminder) + 1);
        } else if (DECIDED.has(event.type)) {
          await deadlines.cancel(deadlineId(id));
        }
      }
    },
  };
}

/** The reminders, when due, handled in the broker's transaction: the domain decides pending or past due. */
export function subscribeToReminders(
  broker: Broker,
  commands: Pick<LCApplicationCommands, 'remind'>,
): Promise<Subscribed> {
  return broker.subscribe({
    group: REMINDERS_GROUP,
    subjects: [REMINDER_CHANNEL],
    handle: onMessages(reminderDue, {
      [REMINDER_DUE]: ({ lcApplicationId, reminder }) => commands.remind({ id: lcApplicationId, reminder }),
    }),
  });
}
