import { found, notFound } from '@tessera/platform/ddd';
import { applicantNotFound } from '../domain/applicants.js';
import type { ApplicantRegister, CreditCheckRecords } from './ports.js';

export function createOnboardingQueries({
  applicants,
  checks,
}: {
  applicants: ApplicantRegister;
  checks: CreditCheckRecords;
}) {
  return {
    getApplicant: async ({ applicantId }: { applicantId: string }) =>
      found(await applicants.find(applicantId), applicantNotFound),
    creditCheck: async ({ lcApplicationId }: { lcApplicationId: string }) =>
      found(await checks.find(lcApplicationId), () =>
        notFound('credit_check_not_found', 'no credit check for that LC application (yet)'),
      ),
  };
}

export type OnboardingQueries = ReturnType<typeof createOnboardingQueries>;
