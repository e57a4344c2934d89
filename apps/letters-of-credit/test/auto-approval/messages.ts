import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import { PRODUCT_CHECKS_CHANNEL } from '../../src/compliance/contract/integration-events.js';
import { LC_APPLICATION_CHANNEL } from '../../src/lc-applications/contract/integration-events.js';
import { APPLICANT_CHECKS_CHANNEL } from '../../src/onboarding/contract/integration-events.js';

/** The messages the saga hears, as their publishers would publish them (keyed by the application). */

export type CheckType =
  | 'compliance.ProductValueValidated'
  | 'compliance.ProductLegalityValidated'
  | 'onboarding.ApplicantCreditValidated';

export const CHECK_TYPES: readonly CheckType[] = [
  'compliance.ProductValueValidated',
  'compliance.ProductLegalityValidated',
  'onboarding.ApplicantCreditValidated',
];

export const APPLICANT = 'applicant-1';

/** A check's outcome about an application: approved, or rejected with remarks. */
export function checkMessage(
  type: CheckType,
  lcApplicationId: string,
  decision: { approved: boolean; remarks: string } = { approved: true, remarks: '' },
): Envelope {
  const onboarding = type === 'onboarding.ApplicantCreditValidated';
  return newEnvelope(onboarding ? 'onboarding' : 'compliance', {
    type,
    subject: onboarding ? APPLICANT_CHECKS_CHANNEL : PRODUCT_CHECKS_CHANNEL,
    key: lcApplicationId,
    data: { lcApplicationId, ...(onboarding && { applicantId: APPLICANT }), decision },
  });
}

export const rejected = (type: CheckType, lcApplicationId: string) =>
  checkMessage(type, lcApplicationId, { approved: false, remarks: 'Rejected!' });

/** LC Application Processing's events about an application. */
export function lcEvent(type: string, lcApplicationId: string, data: Record<string, unknown> = {}): Envelope {
  return newEnvelope('lc-applications', {
    type,
    subject: LC_APPLICATION_CHANNEL,
    key: lcApplicationId,
    data: { lcApplicationId, applicantId: APPLICANT, ...data },
  });
}

export const submittedEvent = (lcApplicationId: string, amountCents = 100_000, currency = 'USD') =>
  lcEvent('lcapplications.LCApplicationSubmitted', lcApplicationId, {
    amountCents,
    currency,
    merchandise: { items: [{ productId: randomUUID(), quantity: 2 }] },
    submittedAt: '2026-12-06T09:00:00.000Z',
  });

export const approvedEvent = (lcApplicationId: string, approvedBy: 'auto-approval' | 'manager') =>
  lcEvent('lcapplications.LCApplicationApproved', lcApplicationId, {
    approvedBy,
    terms: {
      clientReference: 'My LC',
      amountCents: 100_000,
      currency: 'USD',
      merchandise: { items: [{ productId: randomUUID(), quantity: 2 }] },
      documents: [],
    },
  });
