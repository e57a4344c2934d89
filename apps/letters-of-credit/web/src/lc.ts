import type { components, paths } from './api.gen.js';

/** Where the API is: the application's prefix, as the pages are served under it too. */
export const API = '/letters-of-credit/api';

const ONE = '/letters-of-credit/api/lc-applications/{id}';
/** An LC application as it is now, with a link and a form for each task it allows the caller now. */
export type Application = paths[typeof ONE]['get']['responses'][200]['content']['application/json'];
/** An application as lists, queues and live updates show it: its view, its checks, its tasks. */
export type ApplicationItem = components['schemas']['LCApplicationItem'];
export type WorkQueue =
  paths['/letters-of-credit/api/lc-applications/queues/{queue}']['get']['parameters']['path']['queue'];
export type Party = NonNullable<Application['applicant']>;
export type Beneficiary = NonNullable<Application['beneficiary']>;

/** The tasks a draft offers, in the order an importer fills them in; each is a screen of its own. */
export type DraftTask =
  | 'change-amount'
  | 'change-merchandise'
  | 'change-applicant'
  | 'change-beneficiary'
  | 'change-advising-bank'
  | 'change-documents'
  | 'change-conditions'
  | 'change-expiry-date';

export const DRAFT_TASKS: ReadonlyArray<{ readonly rel: DraftTask; readonly section: string }> = [
  { rel: 'change-amount', section: 'Amount' },
  { rel: 'change-merchandise', section: 'Merchandise' },
  { rel: 'change-applicant', section: 'Applicant' },
  { rel: 'change-beneficiary', section: 'Beneficiary' },
  { rel: 'change-advising-bank', section: 'Advising bank' },
  { rel: 'change-documents', section: 'Documents required' },
  { rel: 'change-conditions', section: 'Conditions' },
  { rel: 'change-expiry-date', section: 'Expiry date' },
];

export const isDraftTask = (rel: string): rel is DraftTask => DRAFT_TASKS.some((task) => task.rel === rel);

/**
 * Whether the application offers this task to the caller now: only its links say so (ADR 0042). A page shows
 * a task's button or screen exactly when this is true, and never works it out from the status itself.
 */
export const offers = (resource: { readonly _links: Readonly<Record<string, unknown>> }, rel: string) =>
  rel !== 'self' && rel in resource._links;

/** The server's own name for a task it offers (HAL-FORMS `title`), so the button says what the API calls it. */
export const titleOf = (
  resource: { readonly _templates: Readonly<Record<string, { readonly title: string }>> },
  rel: string,
  fallback: string,
) => resource._templates[rel]?.title ?? fallback;

export const STATUS_LABELS: Readonly<Record<Application['status'], string>> = {
  draft: 'Draft',
  submitted: 'Submitted',
  approved: 'Approved',
  declined: 'Declined',
  canceled: 'Canceled',
};

export const QUEUES: ReadonlyArray<{
  readonly queue: WorkQueue;
  readonly title: string;
  readonly nav: string;
}> = [
  { queue: 'pending-approval', title: 'Pending approval', nav: 'Pending approval' },
  { queue: 'pending-product-validation', title: 'Pending product checks', nav: 'Product checks' },
  { queue: 'pending-applicant-validation', title: 'Pending credit checks', nav: 'Credit checks' },
  { queue: 'approved', title: 'Approved, for issuance', nav: 'Approved' },
];

export const CHECK_LABELS = {
  productValue: 'Product value',
  productLegality: 'Product legality',
  applicantCredit: 'Applicant credit',
} as const;

export const CHECK_STATUS_LABELS = {
  pending: 'Pending',
  approved: 'Favourable',
  rejected: 'Rejected',
} as const;

/** An amount as the API gives it (currency units) in the person's locale. */
export function formatAmount(amount: { readonly amount: number; readonly currency: string } | undefined) {
  if (!amount) return 'Not set';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: amount.currency }).format(
    amount.amount,
  );
}

export function formatDate(iso: string | undefined) {
  if (!iso) return '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date);
}

export function formatTime(iso: string | undefined) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
