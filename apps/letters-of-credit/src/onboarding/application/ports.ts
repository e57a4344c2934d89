import type { Applicant } from '../domain/applicants.js';
import type { Decision } from '../domain/credit-checks.js';

export type { IdentityAccounts } from '@tessera/platform/identity';

/** The applicants Customer Onboarding knows, by id. */
export interface ApplicantRegister {
  add(applicant: Applicant): Promise<void>;
  /** Any id: one that is not a customer's (not even a UUID) finds nobody. */
  find(id: string): Promise<Applicant | undefined>;
  /** The applicant with the new credit line, or undefined when there is no such applicant. */
  setCreditLine(id: string, creditLineCents: number): Promise<Applicant | undefined>;
}

/** Credit analysis's decision on one LC application. */
export interface CreditCheck {
  readonly lcApplicationId: string;
  readonly applicantId: string;
  readonly decision: Decision;
}

/** The decisions, one record per application: an application is decided once, whatever is delivered again. */
export interface CreditCheckRecords {
  /** Records the decision unless the application has one already; true when this one was recorded. */
  record(check: CreditCheck): Promise<boolean>;
  find(lcApplicationId: string): Promise<(CreditCheck & { readonly decidedAt: string }) | undefined>;
}

/** Where recorded decisions are published, in the recording transaction (the broker's outbox). */
export interface DecisionOutbox {
  publish(check: CreditCheck): Promise<void>;
}
