import type { RecordedEvent } from '@tessera/platform/eventstore';
import * as Checks from '../domain/checks.js';
import type { LCApplicationEvent } from '../domain/events.js';
import type * as LCApplication from '../domain/lc-application.js';
import type { Merchandise, Money } from '../domain/values.js';

/**
 * The work queues of the trade-finance desk (§4.2): what each analyst or manager works from.
 * - pending product validation: submitted, and Compliance has not decided the product's value or legality;
 * - pending applicant validation: submitted, and Customer Onboarding has not decided the applicant's credit;
 * - pending approval: submitted, whatever the checks say so far (the spec's "SUBMITTED": a manager may decide
 *   any submitted application, and sees each check's outcome on it; the saga approves the small ones itself);
 * - approved: approved, for LC Issuance.
 */
export const WORK_QUEUES = [
  'pending-product-validation',
  'pending-applicant-validation',
  'pending-approval',
  'approved',
] as const;
export type WorkQueue = (typeof WORK_QUEUES)[number];

export type ViewStatus = Exclude<LCApplication.Status, 'none'>;
export const VIEW_STATUSES: readonly ViewStatus[] = [
  'draft',
  'submitted',
  'approved',
  'declined',
  'canceled',
];

/** LCView (§4.3): one application as the queries show it, kept up to date by every event that changes it. */
export interface LCView {
  readonly id: string;
  readonly applicantId: string;
  readonly clientReference: string;
  readonly status: ViewStatus;
  readonly amount?: Money;
  readonly merchandise?: Merchandise;
  readonly checks: Checks.State;
  readonly approvalReminders: number;
  readonly pastDue: boolean;
  readonly startedAt: Date;
  readonly submittedAt?: Date;
  /** When it was approved, declined or canceled. */
  readonly closedAt?: Date;
  readonly updatedAt: Date;
  /** Position of the last event that changed it: its live updates' id, and how a replay is recognised. */
  readonly position: number;
  readonly queues: readonly WorkQueue[];
  /** Every queue it was ever in: a live queue tells of an application that left it, from these. */
  readonly queuesEntered: readonly WorkQueue[];
}

export function queuesOf({ status, checks }: Pick<LCView, 'status' | 'checks'>): WorkQueue[] {
  if (status === 'approved') return ['approved'];
  if (status !== 'submitted') return [];
  return [
    ...(checks.productValue === 'pending' || checks.productLegality === 'pending'
      ? (['pending-product-validation'] as const)
      : []),
    ...(checks.applicantCredit === 'pending' ? (['pending-applicant-validation'] as const) : []),
    'pending-approval',
  ];
}

/** The application a stream is about: `lc.LCApplication-<id>` and `lc.LCApplicationChecks-<id>` alike. */
export const applicationIdOf = (streamName: string) => streamName.slice(streamName.indexOf('-') + 1);

export type ViewEvent = Pick<RecordedEvent, 'type' | 'data' | 'streamName' | 'position' | 'recordedAt'>;

type Change = Partial<Omit<LCView, 'id' | 'position' | 'queues' | 'queuesEntered' | 'updatedAt'>>;

/** What an event of the application changes in its view; undefined for events that are not its. */
function changeOf(view: LCView, event: ViewEvent): Change | undefined {
  if (event.type in Checks.CHECK_OF_EVENT) {
    const type = event.type as Checks.CheckEventType;
    const decision = event.data as Checks.Decision;
    return { checks: { ...view.checks, [Checks.CHECK_OF_EVENT[type]]: Checks.statusOf(decision) } };
  }
  const { type, data } = event as unknown as LCApplicationEvent;
  switch (type) {
    case 'lc.LCApplicationStarted':
      return {};
    case 'lc.LCAmountChanged':
      return { amount: data.amount };
    case 'lc.MerchandiseChanged':
      return { merchandise: data.merchandise };
    case 'lc.LCApplicationSubmitted':
      return { status: 'submitted', amount: data.amount, submittedAt: new Date(data.submittedAt) };
    case 'lc.LCApplicationApproved':
      return { status: 'approved', closedAt: event.recordedAt };
    case 'lc.LCApplicationDeclined':
      return { status: 'declined', closedAt: event.recordedAt };
    case 'lc.LCApplicationCanceled':
      return { status: 'canceled', closedAt: event.recordedAt };
    case 'lc.LCApprovalPending':
      return { approvalReminders: data.reminder };
    case 'lc.LCApprovalPastDue':
      return { pastDue: true };
    // The draft's other parts are not shown in lists, but the change is: it moved the application on.
    case 'lc.ApplicantChanged':
    case 'lc.BeneficiaryInformationChanged':
    case 'lc.AdvisingBankChanged':
    case 'lc.DocumentsChanged':
    case 'lc.ConditionsChanged':
    case 'lc.ExpiryDateChanged':
      return {};
    default:
      return undefined;
  }
}

function withQueues(view: Omit<LCView, 'queues' | 'queuesEntered'> & Partial<LCView>): LCView {
  const queues = queuesOf(view);
  const entered = new Set([...(view.queuesEntered ?? []), ...queues]);
  return { ...view, queues, queuesEntered: WORK_QUEUES.filter((queue) => entered.has(queue)) };
}

/**
 * The view after one event, in the store's global order. Every value comes from the events (times are
 * recorded times, never the clock's), so a rebuild by replay gives the same view. An event at or below the
 * view's position was applied already and changes nothing; one about an application never started (none can
 * be: the checks are recorded only for applications that exist) is passed over.
 */
export function evolveView(view: LCView | undefined, event: ViewEvent): LCView | undefined {
  if (view && event.position <= view.position) return view;
  if (!view) {
    if (event.type !== 'lc.LCApplicationStarted') return undefined;
    const { applicantId, clientReference } = event.data as { applicantId: string; clientReference: string };
    return withQueues({
      id: applicationIdOf(event.streamName),
      applicantId,
      clientReference,
      status: 'draft',
      checks: Checks.aggregate.initialState,
      approvalReminders: 0,
      pastDue: false,
      startedAt: event.recordedAt,
      updatedAt: event.recordedAt,
      position: event.position,
    });
  }
  const change = changeOf(view, event);
  if (!change) return view;
  return withQueues({ ...view, ...change, updatedAt: event.recordedAt, position: event.position });
}
