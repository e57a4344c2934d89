import type { RecordedEvent } from '@tessera/platform/eventstore';
import { eventMessage, type NewMessage } from '@tessera/platform/messaging';
import {
  LC_APPLICATION_CHANNEL,
  type LCApplicationMessage,
  lcApplicationMessageVersions,
} from '../../contract/integration-events.js';
import type * as LCApplication from '../../domain/lc-application.js';

const amountOf = (state: LCApplication.State) => ({
  amountCents: state.amount?.cents ?? 0,
  currency: state.amount?.currency ?? '',
});

const merchandiseOf = (state: LCApplication.State) => state.merchandise ?? { items: [] };

/**
 * The integration message an event becomes, given the application after the save; the edits of a draft stay
 * inside the module (nobody outside acts on a draft). Each recorded event of a save is the application's last
 * decision, so the state after the save is the state at that event for what these messages carry.
 */
function forApplication(
  id: string,
  state: LCApplication.State,
  event: RecordedEvent,
): LCApplicationMessage | undefined {
  const { applicantId } = state;
  const data = event.data as Record<string, unknown>;
  switch (event.type as LCApplication.Event['type']) {
    case 'lc.LCApplicationSubmitted':
      return {
        type: 'lcapplications.LCApplicationSubmitted',
        data: {
          lcApplicationId: id,
          applicantId,
          ...amountOf(state),
          merchandise: merchandiseOf(state),
          ...(state.beneficiary && { beneficiaryCountry: state.beneficiary.address.country }),
          submittedAt: String(data.submittedAt),
        },
      };
    case 'lc.LCApplicationApproved':
      return {
        type: 'lcapplications.LCApplicationApproved',
        data: {
          lcApplicationId: id,
          applicantId,
          approvedBy: data.by as 'auto-approval' | 'manager',
          terms: {
            clientReference: state.clientReference,
            ...amountOf(state),
            ...(state.applicant && { applicant: state.applicant }),
            ...(state.beneficiary && { beneficiary: state.beneficiary }),
            ...(state.advisingBank && { advisingBank: state.advisingBank }),
            merchandise: merchandiseOf(state),
            documents: [...(state.documents ?? [])],
            ...(state.expiryDate && { expiryDate: state.expiryDate }),
          },
        },
      };
    case 'lc.LCApplicationDeclined':
      return {
        type: 'lcapplications.LCApplicationDeclined',
        data: {
          lcApplicationId: id,
          applicantId,
          ...(typeof data.reason === 'string' && { reason: data.reason }),
        },
      };
    case 'lc.LCApplicationCanceled':
      return {
        type: 'lcapplications.LCApplicationCanceled',
        data: { lcApplicationId: id, applicantId, canceledBy: data.by as 'applicant' | 'staff' },
      };
    case 'lc.LCApprovalPending':
      return {
        type: 'lcapplications.LCApprovalPending',
        data: { lcApplicationId: id, applicantId, reminder: Number(data.reminder) },
      };
    case 'lc.LCApprovalPastDue':
      return { type: 'lcapplications.LCApprovalPastDue', data: { lcApplicationId: id, applicantId } };
    default:
      return undefined;
  }
}

/** A save's recorded events as the messages to publish, in order, keyed by application id. */
export function toIntegrationMessages(
  id: string,
  state: LCApplication.State,
  recorded: readonly RecordedEvent[],
): NewMessage[] {
  return recorded.flatMap((event) => {
    const message = forApplication(id, state, event);
    if (!message) return [];
    const version = lcApplicationMessageVersions[message.type]?.version;
    return [
      {
        ...eventMessage(event, message, { subject: LC_APPLICATION_CHANNEL, key: id }),
        ...(version && { schemaVersion: version }),
      },
    ];
  });
}
