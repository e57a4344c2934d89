import { nonBlank, notFound } from '@tessera/platform/ddd';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

/** Where an applicant is: a postal address, its country by ISO 3166-1 alpha-2 code. */
export const address = z.strictObject({
  lines: z.array(text(100)).min(1).max(3),
  city: text(100),
  region: text(100).optional(),
  postalCode: text(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code (ISO 3166-1 alpha-2)'),
});
export type Address = z.infer<typeof address>;

/**
 * An applicant, as Customer Onboarding knows them: a customer of the bank (LC Application Processing calls
 * them the applicant), with the credit line credit analysis gave them, if any.
 */
export interface Applicant {
  readonly id: string;
  readonly name: string;
  readonly company?: string;
  readonly address?: Address;
  /** In US cents; none until a credit analyst sets one. */
  readonly creditLineCents?: number;
}

export const applicantNotFound = () => notFound('applicant_not_found', 'no applicant with that id');

/** A new customer: named; the company they trade for, when given, is not blank either. */
export function registerApplicant(input: Omit<Applicant, 'creditLineCents'>): Applicant {
  const { id, company, address } = input;
  return {
    id,
    name: nonBlank(input.name, 'applicant_name_blank', 'the applicant name cannot be blank', 'name'),
    ...(company !== undefined && {
      company: nonBlank(company, 'applicant_company_blank', 'the company name cannot be blank', 'company'),
    }),
    ...(address && { address }),
  };
}
