import { fromCents } from '@tessera/platform/ddd';
import { decimalAmount } from '@tessera/platform/http';
import { isOperator, type Principal } from '@tessera/platform/identity';
import { z } from 'zod';
import { lcApplicationsRoles } from '../../contract/roles.js';
import * as LCApplication from '../../domain/lc-application.js';
import {
  advisingBank,
  beneficiary,
  calendarDate,
  conditions,
  documents,
  merchandise,
  party,
} from '../../domain/values.js';

export const tags = ['lc-applications'];

/** The published language's media type (§6.3): version 2. JSON and this type are both accepted. */
export const LC_MEDIA_TYPE = 'application/vnd.lc-application.v2+json';
/** What a resource answers: HAL with the forms of the tasks it allows now. */
export const HAL_FORMS_MEDIA_TYPE = 'application/prs.hal-forms+json';

/** Ids are UUIDs, lower-cased so that one application has one stream whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

export const startBody = z.strictObject({
  lcApplicationId: z
    .uuid()
    .toLowerCase()
    .optional()
    .describe('Client-generated id; a retried start with the same id and reference records nothing'),
  applicantId: z.string().min(1).max(100).optional().describe("The applicant; an applicant's own by default"),
  'applicant-id': z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('The same as applicantId (the book spells it so)'),
  clientReference: z.string().max(100).describe('A friendly name for the LC, at least 4 characters'),
});

export const amountBody = z.strictObject({
  amount: decimalAmount({ min: 0.01, max: 1e12 }).describe('In currency units, e.g. 1000.50'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code')
    .describe('Only USD is issued'),
});

export const documentsBody = z.strictObject({ documents });
export const expiryDateBody = z.strictObject({ expiryDate: calendarDate });
/** Optional: a decline with no body at all says no reason. */
export const declineBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).nullish();

export const changeBodies = {
  'change-applicant': party,
  'change-beneficiary': beneficiary,
  'change-advising-bank': advisingBank,
  'change-amount': amountBody,
  'change-merchandise': merchandise,
  'change-documents': documentsBody,
  'change-conditions': conditions,
  'change-expiry-date': expiryDateBody,
} as const;

export const link = z.object({ href: z.string() });
export const template = z.object({
  method: z.enum(['POST', 'DELETE']),
  target: z.string(),
  contentType: z.string().optional(),
  title: z.string(),
});

export const applicationResponse = z
  .object({
    id: z.uuid(),
    applicantId: z.string(),
    clientReference: z.string(),
    status: z.enum(['draft', 'submitted', 'approved', 'declined', 'canceled']),
    applicant: party.optional(),
    beneficiary: beneficiary.optional(),
    advisingBank: advisingBank.optional(),
    amount: z.object({ amount: z.number(), currency: z.string() }).optional(),
    merchandise: merchandise.optional(),
    documents: documents.optional(),
    conditions: conditions.optional(),
    expiryDate: z.string().optional(),
    submittedAt: z.string().optional(),
    approvalReminders: z.number().int(),
    pastDue: z.boolean(),
    _links: z.record(z.string(), link).describe('self, and a link per task the application allows now'),
    _templates: z
      .record(z.string(), template)
      .describe('HAL-FORMS: how to do each task the application allows now (nothing else is allowed)'),
  })
  .describe('An LC application, with the tasks it allows now');

const TITLES: Record<LCApplication.Task, string> = {
  'change-applicant': 'Change the applicant',
  'change-beneficiary': 'Change the beneficiary',
  'change-advising-bank': 'Change the advising bank',
  'change-amount': 'Change the amount',
  'change-merchandise': 'Change the merchandise',
  'change-documents': 'Change the documents required',
  'change-conditions': 'Change the conditions',
  'change-expiry-date': 'Change the expiry date',
  submit: 'Submit for the checks and a decision',
  approve: 'Approve',
  decline: 'Decline',
  cancel: 'Cancel the application',
};

/** The tasks a caller may do: applicants change and submit their own; the desk decides; both may cancel. */
export type Desk = 'applicant' | 'trade-finance';
const DESK_TASKS: Record<Desk, ReadonlySet<LCApplication.Task>> = {
  applicant: new Set([...LCApplication.CHANGE_TASKS, 'submit', 'cancel']),
  'trade-finance': new Set(['approve', 'decline', 'cancel']),
};

/** Who the caller works as: an applicant, the trade-finance desk, or both (an operator). */
export function desksOf(principal: Principal | undefined): Desk[] {
  if (isOperator(principal)) return ['applicant', 'trade-finance'];
  const roles = principal?.roles ?? [];
  return [
    ...(roles.includes(lcApplicationsRoles.applicant.name) ? (['applicant'] as const) : []),
    ...(roles.includes(lcApplicationsRoles.tradeFinanceManager.name) ? (['trade-finance'] as const) : []),
  ];
}

/**
 * An application's hypermedia: `self`, and one link and one form (HAL-FORMS) per task it allows now, to
 * this caller. Whatever shows an application (itself, a list, a live update) shows these.
 */
export function applicationLinks(
  prefix: string,
  id: string,
  state: Pick<LCApplication.State, 'status' | 'amount' | 'merchandise'>,
  desks: readonly Desk[],
) {
  const self = `${prefix}/api/lc-applications/${id}`;
  const tasks = LCApplication.allowedTasks(state).filter((task) =>
    desks.some(
      (desk) =>
        DESK_TASKS[desk].has(task) &&
        !(desk === 'trade-finance' && task === 'cancel' && state.status === 'draft'),
    ),
  );
  return {
    _links: {
      self: { href: self },
      ...Object.fromEntries(tasks.map((task) => [task, { href: `${self}/${task}` }])),
    },
    _templates: Object.fromEntries(
      tasks.map((task) => [
        task,
        {
          method: 'POST' as const,
          target: `${self}/${task}`,
          ...(task.startsWith('change-') && { contentType: LC_MEDIA_TYPE }),
          title: TITLES[task],
        },
      ]),
    ),
  };
}

export const amountDto = (amount: { cents: number; currency: string }) => ({
  amount: fromCents(amount.cents),
  currency: amount.currency,
});

/** An application as HAL: its parts, and the tasks it allows now, to this caller. */
export function toApplicationDto(
  prefix: string,
  id: string,
  state: LCApplication.State,
  desks: readonly Desk[],
) {
  const { status } = state;
  if (status === 'none') throw LCApplication.lcApplicationNotFound();
  return {
    id,
    applicantId: state.applicantId,
    clientReference: state.clientReference,
    status,
    ...(state.applicant && { applicant: state.applicant }),
    ...(state.beneficiary && { beneficiary: state.beneficiary }),
    ...(state.advisingBank && { advisingBank: state.advisingBank }),
    ...(state.amount && { amount: amountDto(state.amount) }),
    ...(state.merchandise && { merchandise: state.merchandise }),
    ...(state.documents && { documents: state.documents }),
    ...(state.conditions && { conditions: state.conditions }),
    ...(state.expiryDate && { expiryDate: state.expiryDate }),
    ...(state.submittedAt && { submittedAt: state.submittedAt }),
    approvalReminders: state.approvalReminders,
    pastDue: state.pastDue,
    ...applicationLinks(prefix, id, state, desks),
  };
}
