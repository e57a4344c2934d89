import type { LCView, ViewStatus, WorkQueue } from '../../application/lc-view.js';
import type { CheckStatus } from '../../domain/checks.js';
import type { Merchandise } from '../../domain/values.js';

/** A row of lc_applications.lc_view as the drivers give it (bigint as text, jsonb as text on some). */
export interface LCViewRow {
  id: string;
  applicant_id: string;
  client_reference: string;
  status: ViewStatus;
  amount_cents: string | number | null;
  currency: string | null;
  merchandise: Merchandise | string | null;
  product_value: CheckStatus;
  product_legality: CheckStatus;
  applicant_credit: CheckStatus;
  approval_reminders: number;
  past_due: boolean;
  started_at: Date;
  submitted_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
  position: string | number;
  queues: WorkQueue[];
  queues_entered: WorkQueue[];
}

export const VIEW_COLUMNS = `id, applicant_id, client_reference, status, amount_cents, currency, merchandise,
  product_value, product_legality, applicant_credit, approval_reminders, past_due, started_at, submitted_at,
  closed_at, updated_at, position, queues, queues_entered`;

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export const toView = (row: LCViewRow): LCView => ({
  id: row.id,
  applicantId: row.applicant_id,
  clientReference: row.client_reference,
  status: row.status,
  ...(row.amount_cents !== null &&
    row.currency !== null && { amount: { cents: Number(row.amount_cents), currency: row.currency } }),
  ...(row.merchandise !== null && { merchandise: json(row.merchandise) }),
  checks: {
    productValue: row.product_value,
    productLegality: row.product_legality,
    applicantCredit: row.applicant_credit,
  },
  approvalReminders: row.approval_reminders,
  pastDue: row.past_due,
  startedAt: new Date(row.started_at),
  ...(row.submitted_at !== null && { submittedAt: new Date(row.submitted_at) }),
  ...(row.closed_at !== null && { closedAt: new Date(row.closed_at) }),
  updatedAt: new Date(row.updated_at),
  position: Number(row.position),
  queues: row.queues,
  queuesEntered: row.queues_entered,
});
