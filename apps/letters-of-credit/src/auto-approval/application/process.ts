import { type Envelope, messageData } from '@tessera/platform/messaging';
import { defineProcessManager, type Reaction } from '@tessera/platform/sagas';
import type { z } from 'zod';
import { complianceMessages, PRODUCT_CHECKS_CHANNEL } from '../../compliance/contract/integration-events.js';
import {
  LC_APPLICATION_CHANNEL,
  LC_APPLICATIONS_COMMAND_CHANNEL,
  lcApplicationMessages,
} from '../../lc-applications/contract/integration-events.js';
import {
  APPLICANT_CHECKS_CHANNEL,
  onboardingMessages,
} from '../../onboarding/contract/integration-events.js';
import {
  type AutoApproval,
  approvalRefused,
  type Check,
  checked,
  decided,
  type Move,
  submitted,
} from '../domain/auto-approval.js';

/** The process manager's name: its instances, history and consumer group (`saga-auto-approval-AutoApproval`). */
export const AUTO_APPROVAL = 'auto-approval.AutoApproval';
/** Where LC Application Processing replies to the approvals the saga sends. */
export const AUTO_APPROVAL_CHANNEL = 'letters-of-credit.auto-approval.replies.AutoApproval';
export const APPROVE_COMMAND = 'lcapplications.ApproveLCApplication';

/** Every message the saga hears, with its contract: each carries `lcApplicationId`, the association. */
const heard = {
  'lcapplications.LCApplicationSubmitted': lcApplicationMessages['lcapplications.LCApplicationSubmitted'],
  'lcapplications.LCApplicationApproved': lcApplicationMessages['lcapplications.LCApplicationApproved'],
  'lcapplications.LCApplicationDeclined': lcApplicationMessages['lcapplications.LCApplicationDeclined'],
  'lcapplications.LCApplicationCanceled': lcApplicationMessages['lcapplications.LCApplicationCanceled'],
  ...complianceMessages,
  ...onboardingMessages,
};
type Heard = keyof typeof heard;

const isHeard = (type: string): type is Heard => Object.hasOwn(heard, type);
/** The message's data by its contract; data off the contract is poison (dead-lettered, never guessed at). */
const dataOf = <Type extends Heard>(type: Type, message: Envelope) =>
  messageData(heard[type], message) as z.infer<(typeof heard)[Type]>;

/** The domain's move as the coordinator takes it: the approval is a command keyed by the application. */
function react({ state, approve, end }: Move): Reaction<AutoApproval> {
  return {
    state,
    ...(approve && {
      commands: [
        {
          type: APPROVE_COMMAND,
          channel: LC_APPLICATIONS_COMMAND_CHANNEL,
          key: state.lcApplicationId,
          data: { lcApplicationId: state.lcApplicationId },
        },
      ],
    }),
    ...(end && { end: true }),
  };
}

const onCheck =
  (check: Check, type: 'compliance.ProductValueValidated' | 'compliance.ProductLegalityValidated') =>
  (state: AutoApproval, message: Envelope) =>
    react(checked(state, check, dataOf(type, message).decision));

/**
 * The AutoApprovalSaga (§5.2, gaps closed): one instance per submitted application, associated by
 * `lcApplicationId` on every message. It starts on the submission (ending at once when the application is
 * not eligible), asks LC Application Processing to approve once the three checks are in and favourable, in
 * any order, and ends on any rejection, on the application's approval (whoever approved), decline or
 * cancellation, and on a refused approval. A submission heard again starts nothing, and anything heard after
 * the end is recorded and ignored (the coordinator's rules). Only flow control lives here: whether an
 * application may still be approved is the aggregate's to say.
 */
export const autoApprovalProcess = defineProcessManager<AutoApproval>({
  name: AUTO_APPROVAL,
  subscribesTo: [LC_APPLICATION_CHANNEL, PRODUCT_CHECKS_CHANNEL, APPLICANT_CHECKS_CHANNEL],
  channel: AUTO_APPROVAL_CHANNEL,
  // The other messages on these channels (reminders, ...) concern no instance: not even loaded.
  correlate: (message) => (isHeard(message.type) ? dataOf(message.type, message).lcApplicationId : undefined),
  start: {
    'lcapplications.LCApplicationSubmitted': (message) =>
      react(submitted(dataOf('lcapplications.LCApplicationSubmitted', message))),
  },
  on: {
    'compliance.ProductValueValidated': onCheck('productValue', 'compliance.ProductValueValidated'),
    'compliance.ProductLegalityValidated': onCheck('productLegality', 'compliance.ProductLegalityValidated'),
    'onboarding.ApplicantCreditValidated': (state, message) =>
      react(
        checked(state, 'applicantCredit', dataOf('onboarding.ApplicantCreditValidated', message).decision),
      ),
    'lcapplications.LCApplicationApproved': (state, message) =>
      react(
        decided(state, {
          reason: 'approved',
          detail: `by ${dataOf('lcapplications.LCApplicationApproved', message).approvedBy}`,
        }),
      ),
    'lcapplications.LCApplicationDeclined': (state, message) => {
      const { reason } = dataOf('lcapplications.LCApplicationDeclined', message);
      return react(decided(state, { reason: 'declined', ...(reason && { detail: reason }) }));
    },
    'lcapplications.LCApplicationCanceled': (state, message) =>
      react(
        decided(state, {
          reason: 'canceled',
          detail: `by ${dataOf('lcapplications.LCApplicationCanceled', message).canceledBy}`,
        }),
      ),
  },
  // A success changes nothing (the application's Approved event ends the saga); a refusal means a person
  // decided meanwhile (declined, canceled): the reply is in the history, and the saga is over.
  onReply: (state, reply) =>
    reply.ok ? { state } : react(approvalRefused(state, `${reply.code}: ${reply.reason}`)),
});
