import {
  type AggregateType,
  DomainError,
  failedPrecondition,
  invalidArgument,
  notFound,
} from '@tessera/platform/ddd';
import type { LCApplicationEvent } from './events.js';
import type {
  AdvisingBank,
  Beneficiary,
  Conditions,
  CountryCode,
  Documents,
  Merchandise,
  Money,
  Party,
} from './values.js';

/**
 * An LC application, from its start as a draft to the trade-finance desk's decision (§2.3.4): `draft` can be
 * edited task by task; `submitted` waits for the checks and a decision, with reminders; `approved`,
 * `declined` and `canceled` are final here (an approved application is issued as an LC by LC Issuance).
 * `none` is the state of a stream that does not exist yet.
 */
export type Status = 'none' | 'draft' | 'submitted' | 'approved' | 'declined' | 'canceled';

export interface State {
  readonly status: Status;
  readonly applicantId: string;
  readonly clientReference: string;
  readonly applicant?: Party;
  readonly beneficiary?: Beneficiary;
  readonly advisingBank?: AdvisingBank;
  readonly amount?: Money;
  readonly merchandise?: Merchandise;
  readonly documents?: Documents;
  readonly conditions?: Conditions;
  readonly expiryDate?: string;
  readonly submittedAt?: string;
  /** How many approval reminders were sent (at most two, then the application is past due). */
  readonly approvalReminders: number;
  readonly pastDue: boolean;
}

export type Event = LCApplicationEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'lc.LCApplication',
  initialState: {
    status: 'none',
    applicantId: '',
    clientReference: '',
    approvalReminders: 0,
    pastDue: false,
  },
  evolve(state, event) {
    switch (event.type) {
      case 'lc.LCApplicationStarted':
        return { ...state, status: 'draft', ...event.data };
      case 'lc.ApplicantChanged':
        return { ...state, applicant: event.data.applicant };
      case 'lc.BeneficiaryInformationChanged':
        return { ...state, beneficiary: event.data };
      case 'lc.AdvisingBankChanged':
        return { ...state, advisingBank: event.data.advisingBank };
      case 'lc.LCAmountChanged':
        return { ...state, amount: event.data.amount };
      case 'lc.MerchandiseChanged':
        return { ...state, merchandise: event.data.merchandise };
      case 'lc.DocumentsChanged':
        return { ...state, documents: event.data.documents };
      case 'lc.ConditionsChanged':
        return { ...state, conditions: event.data.conditions };
      case 'lc.ExpiryDateChanged':
        return { ...state, expiryDate: event.data.expiryDate };
      case 'lc.LCApplicationSubmitted':
        return { ...state, status: 'submitted', submittedAt: event.data.submittedAt };
      case 'lc.LCApplicationApproved':
        return { ...state, status: 'approved' };
      case 'lc.LCApplicationDeclined':
        return { ...state, status: 'declined' };
      case 'lc.LCApplicationCanceled':
        return { ...state, status: 'canceled' };
      case 'lc.LCApprovalPending':
        return { ...state, approvalReminders: event.data.reminder };
      case 'lc.LCApprovalPastDue':
        return { ...state, pastDue: true };
    }
  },
};

/** The bank's LC product (EventStorming's policies): issued only in US dollars, up to USD 500,000. */
export const LC_CURRENCY = 'USD';
export const MAXIMUM_AMOUNT_CENTS = 500_000_00;
export const CLIENT_REFERENCE_MIN_LENGTH = 4;
/** Two reminders, ten days apart, then the application is past due (day 30). */
export const MAX_APPROVAL_REMINDERS = 2;
export const APPROVAL_REMINDER_DAYS = 10;

export const lcApplicationNotFound = () =>
  notFound('lc_application_not_found', 'no LC application with that id');

function mustExist(state: State) {
  if (state.status === 'none') throw lcApplicationNotFound();
}

/** Every change is a draft's: once submitted nothing changes (§2.3.2), and a canceled application is over. */
function mustBeDraft(state: State) {
  mustExist(state);
  if (state.status === 'canceled') throw canceled();
  if (state.status !== 'draft') {
    throw failedPrecondition(
      'lc_application_already_submitted',
      'the LC application was submitted: it can no longer change',
    );
  }
}

const canceled = () => failedPrecondition('lc_application_canceled', 'the LC application was canceled');

/** `field`: the country as the command names it (the beneficiary's own address, or the application's). */
const sanctioned = (field: string) =>
  failedPrecondition(
    'cannot_trade_with_sanctioned_country',
    'Import from this country is currently prohibited!',
    field,
  );

export interface StartLCApplication {
  readonly applicantId: string;
  readonly clientReference: string;
}

/**
 * Starts a draft. Starting the same draft again (a retried request with the same client-generated id) records
 * nothing; another start under an existing id is refused.
 */
export function start(state: State, input: StartLCApplication): Event[] {
  const clientReference = input.clientReference.trim();
  if (clientReference.length < CLIENT_REFERENCE_MIN_LENGTH) {
    throw invalidArgument(
      'client_reference_too_short',
      `the client reference must have at least ${CLIENT_REFERENCE_MIN_LENGTH} characters`,
      'clientReference',
    );
  }
  if (state.status !== 'none') {
    if (state.applicantId === input.applicantId && state.clientReference === clientReference) return [];
    throw new DomainError('already_exists', 'lc_application_exists', 'an LC application has that id');
  }
  return [{ type: 'lc.LCApplicationStarted', data: { applicantId: input.applicantId, clientReference } }];
}

export function changeApplicant(state: State, applicant: Party): Event[] {
  mustBeDraft(state);
  return [{ type: 'lc.ApplicantChanged', data: { applicant } }];
}

/** The sanctions list is not the application's: the caller asks it and says whether the country is on it. */
export function changeBeneficiary(
  state: State,
  beneficiary: Beneficiary,
  { countrySanctioned }: { countrySanctioned: boolean },
): Event[] {
  mustBeDraft(state);
  if (countrySanctioned) throw sanctioned('address.country');
  return [{ type: 'lc.BeneficiaryInformationChanged', data: beneficiary }];
}

/** The same bank again records nothing (the book's Change Advising Bank). */
export function changeAdvisingBank(state: State, advisingBank: AdvisingBank): Event[] {
  mustBeDraft(state);
  const current = state.advisingBank;
  if (
    current?.bic === advisingBank.bic &&
    current.name === advisingBank.name &&
    current.country === advisingBank.country
  ) {
    return [];
  }
  return [{ type: 'lc.AdvisingBankChanged', data: { advisingBank } }];
}

export function changeAmount(state: State, amount: Money): Event[] {
  mustBeDraft(state);
  if (amount.cents <= 0) throw invalidArgument('lc_amount_invalid', 'the amount must be positive', 'amount');
  if (amount.currency !== LC_CURRENCY) {
    throw invalidArgument('lc_currency_not_supported', 'LCs are issued only in USD', 'currency');
  }
  if (amount.cents > MAXIMUM_AMOUNT_CENTS) {
    throw invalidArgument('lc_amount_above_maximum', 'an LC may be worth at most USD 500,000.00', 'amount');
  }
  return [{ type: 'lc.LCAmountChanged', data: { amount } }];
}

export function changeMerchandise(state: State, merchandise: Merchandise): Event[] {
  mustBeDraft(state);
  return [{ type: 'lc.MerchandiseChanged', data: { merchandise } }];
}

export function changeDocuments(state: State, documents: Documents): Event[] {
  mustBeDraft(state);
  return [{ type: 'lc.DocumentsChanged', data: { documents } }];
}

export function changeConditions(state: State, conditions: Conditions): Event[] {
  mustBeDraft(state);
  return [{ type: 'lc.ConditionsChanged', data: { conditions } }];
}

/** `today` is the bank's calendar date (`YYYY-MM-DD`): an LC must expire after it. */
export function changeExpiryDate(state: State, expiryDate: string, { today }: { today: string }): Event[] {
  mustBeDraft(state);
  if (expiryDate <= today) {
    throw invalidArgument(
      'lc_expiry_date_not_in_future',
      'the expiry date must be after today',
      'expiryDate',
    );
  }
  return [{ type: 'lc.ExpiryDateChanged', data: { expiryDate } }];
}

/**
 * Submits a draft for the checks and a decision. The rules are checked in the book's order (§2.3.2): amount
 * present, amount positive, merchandise present, still a draft; then the beneficiary's country against the
 * sanctions list as it is now (it may have changed since the beneficiary was entered).
 */
export function submit(
  state: State,
  { now, countrySanctioned }: { now: Date; countrySanctioned: boolean },
): Event[] {
  mustExist(state);
  if (!state.amount)
    throw failedPrecondition('lc_amount_missing', 'the LC application has no amount', 'amount');
  if (state.amount.cents <= 0) {
    throw failedPrecondition('lc_amount_invalid', 'the amount must be positive', 'amount');
  }
  if (!state.merchandise) {
    throw failedPrecondition(
      'lc_merchandise_missing',
      'the LC application has no merchandise',
      'merchandise',
    );
  }
  mustBeDraft(state);
  if (countrySanctioned) throw sanctioned('beneficiary.address.country');
  return [
    { type: 'lc.LCApplicationSubmitted', data: { amount: state.amount, submittedAt: now.toISOString() } },
  ];
}

const notSubmitted = (state: State) =>
  state.status === 'canceled'
    ? canceled()
    : failedPrecondition(
        'lc_application_not_submitted',
        `the LC application is ${state.status}, not submitted: it cannot be decided`,
      );

/**
 * A manager's approval, or the auto-approval saga's. The saga's repeated or late approval of an application
 * already approved records nothing: whoever approved first, there is one approval.
 */
export function approve(state: State, { by }: { by: 'auto-approval' | 'manager' }): Event[] {
  mustExist(state);
  if (state.status === 'approved' && by === 'auto-approval') return [];
  if (state.status !== 'submitted') throw notSubmitted(state);
  return [{ type: 'lc.LCApplicationApproved', data: { by } }];
}

export function decline(state: State, { reason }: { reason?: string }): Event[] {
  mustExist(state);
  if (state.status !== 'submitted') throw notSubmitted(state);
  return [{ type: 'lc.LCApplicationDeclined', data: reason ? { reason } : {} }];
}

/**
 * The applicant withdraws a draft or a submitted application; trade finance may cancel a submitted one (a
 * draft is the applicant's own work in progress). A decided application is final.
 */
export function cancel(state: State, { by }: { by: 'applicant' | 'staff' }): Event[] {
  mustExist(state);
  if (state.status === 'canceled') throw canceled();
  if (by === 'staff' && state.status === 'draft') {
    throw failedPrecondition('lc_application_not_submitted', 'a draft is canceled only by its applicant');
  }
  if (state.status !== 'draft' && state.status !== 'submitted') {
    throw failedPrecondition(
      'lc_application_decided',
      `the LC application was ${state.status}: it can no longer be canceled`,
    );
  }
  return [{ type: 'lc.LCApplicationCanceled', data: { by } }];
}

/**
 * A reminder deadline came due. Reminder `n` of a submitted application is sent once; after two the third
 * deadline makes it past due. A deadline that comes due after the decision, or twice, records nothing.
 */
export function remind(state: State, { reminder }: { reminder: number }): Event[] {
  if (state.status !== 'submitted' || state.pastDue) return [];
  if (reminder <= state.approvalReminders) return [];
  if (state.approvalReminders < MAX_APPROVAL_REMINDERS) {
    return [{ type: 'lc.LCApprovalPending', data: { reminder: state.approvalReminders + 1 } }];
  }
  return [{ type: 'lc.LCApprovalPastDue', data: {} }];
}

/** The tasks the application allows now (the hypermedia links of the HTTP API are made from these). */
export type Task =
  | 'change-applicant'
  | 'change-beneficiary'
  | 'change-advising-bank'
  | 'change-amount'
  | 'change-merchandise'
  | 'change-documents'
  | 'change-conditions'
  | 'change-expiry-date'
  | 'submit'
  | 'approve'
  | 'decline'
  | 'cancel';

export const CHANGE_TASKS: readonly Task[] = [
  'change-applicant',
  'change-beneficiary',
  'change-advising-bank',
  'change-amount',
  'change-merchandise',
  'change-documents',
  'change-conditions',
  'change-expiry-date',
];

export function allowedTasks(state: Pick<State, 'status' | 'amount' | 'merchandise'>): Task[] {
  switch (state.status) {
    case 'draft':
      return [
        ...CHANGE_TASKS,
        ...(state.amount && state.amount.cents > 0 && state.merchandise ? (['submit'] as const) : []),
        'cancel',
      ];
    case 'submitted':
      return ['approve', 'decline', 'cancel'];
    default:
      return [];
  }
}

/** Is the beneficiary's country one the caller must check against the sanctions list? */
export const beneficiaryCountry = (state: State): CountryCode | undefined =>
  state.beneficiary?.address.country;
