import { type Envelope, newEnvelope, onCommands } from '@tessera/platform/messaging';
import {
  defineProcessManager,
  type Reaction,
  type SagaCommand,
  startSagaCoordinator,
} from '@tessera/platform/sagas';
import { z } from 'zod';
import { type SagaTestbed, signals } from './support.js';

/**
 * The LC auto-approval saga (letters-of-credit spec §5.2) as a test-local process manager: one instance per
 * application, correlated by `lcApplicationId`; approves when all three checks pass and the amount is at most
 * USD 10,000; ends on any rejection, on approval or decline; reminds the manager after ten days, twice.
 */
export interface AutoApproval {
  productValueValidated: boolean;
  productLegalityValidated: boolean;
  applicantValidated: boolean;
  approvalSent: boolean;
  reminders: number;
}

export const THRESHOLD_CENTS = 1_000_000;
export const REMINDER_MS = 10 * 24 * 3_600_000;
export const LC_EVENTS = 'test.lc.events';
export const LC_COMMANDS = 'test.lc.commands';

type Check = 'productValueValidated' | 'productLegalityValidated' | 'applicantValidated';
const idOf = (message: Envelope) => (message.data as { lcApplicationId: string }).lcApplicationId;
const send = (type: string, message: Envelope): SagaCommand => ({
  type,
  channel: LC_COMMANDS,
  key: idOf(message),
  data: { lcApplicationId: idOf(message) },
});

const end = (state: AutoApproval): Reaction<AutoApproval> => ({ state, end: true });

/** A favourable check sets its flag; once all three are set, approve (once). A rejection ends the saga. */
const validated =
  (check: Check) =>
  (state: AutoApproval, message: Envelope): Reaction<AutoApproval> => {
    if ((message.data as { decision: string }).decision !== 'APPROVED') return end(state);
    const next = { ...state, [check]: true };
    const ready = next.productValueValidated && next.productLegalityValidated && next.applicantValidated;
    if (!ready || state.approvalSent) return { state: next };
    return {
      state: { ...next, approvalSent: true },
      commands: [send('lcapi.ApproveLCApplication', message)],
    };
  };

export const autoApproval = defineProcessManager<AutoApproval>({
  name: 'lc.AutoApproval',
  subscribesTo: [LC_EVENTS],
  channel: 'test.lc.autoapproval',
  correlate: (message) => (message.data as { lcApplicationId?: string }).lcApplicationId,
  start: {
    'lcapi.LCApplicationSubmitted': (message) => {
      const { amountCents, currency } = message.data as { amountCents: number; currency: string };
      const state: AutoApproval = {
        productValueValidated: false,
        productLegalityValidated: false,
        applicantValidated: false,
        approvalSent: false,
        reminders: 0,
      };
      // Exactly USD 10,000 is auto-approvable (the reference code's behaviour); LCs are issued in USD only.
      if (currency !== 'USD' || amountCents > THRESHOLD_CENTS) return end(state);
      return { state, schedule: [{ name: 'approvalReminder', afterMs: REMINDER_MS }] };
    },
  },
  on: {
    'lcapi.ProductValueValidated': validated('productValueValidated'),
    'lcapi.ProductLegalityValidated': validated('productLegalityValidated'),
    'lcapi.ApplicantCreditValidated': validated('applicantValidated'),
    'lcapi.LCApplicationApproved': end,
    'lcapi.LCApplicationDeclined': end,
  },
  onDeadline: {
    approvalReminder: (state) => {
      const reminders = state.reminders + 1;
      return {
        state: { ...state, reminders },
        commands: [
          {
            type: 'lcapi.RemindManager',
            channel: LC_COMMANDS,
            key: 'manager',
            data: { reminder: reminders },
          },
        ],
        ...(reminders < 2 ? { schedule: [{ name: 'approvalReminder', afterMs: REMINDER_MS }] } : {}),
      };
    },
  },
});

/**
 * The auto-approval running on `bed`: a participant in the LC module's place that records each command it
 * is sent (`received`, once committed), the LC module's events (`publish`), and the coordinator of the process
 * manager. `stop` stops the latter.
 */
export async function runAutoApproval(bed: SagaTestbed) {
  const received = signals<Envelope>();
  const { db, broker } = bed;
  const record = async (_data: unknown, command: Envelope) => {
    await db.afterCommit(() => received.push(command));
  };
  await broker.subscribe({
    group: 'lc',
    subjects: [LC_COMMANDS],
    handle: onCommands(
      {
        'lcapi.ApproveLCApplication': z.object({ lcApplicationId: z.string() }),
        'lcapi.RemindManager': z.object({ reminder: z.number() }),
      },
      { 'lcapi.ApproveLCApplication': record, 'lcapi.RemindManager': record },
      { publisher: broker, source: 'lc', db },
    ),
  });
  const coordinator = await startSagaCoordinator(
    { db, broker, deadlines: bed.deadlines, clock: bed.clock, logger: bed.logger },
    [autoApproval],
  );
  /** Publishes an LC event of `type` about application `lc`, as the LC module would. */
  const publish = (lc: string, type: string, data: Record<string, unknown> = {}) =>
    broker.publish([
      newEnvelope('lc', { type, subject: LC_EVENTS, key: lc, data: { lcApplicationId: lc, ...data } }),
    ]);
  return { received, publish, stop: () => coordinator.stop() };
}
