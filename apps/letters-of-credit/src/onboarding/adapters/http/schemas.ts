import { fromCents } from '@tessera/platform/ddd';
import { decimalAmount } from '@tessera/platform/http';
import { z } from 'zod';
import { applicantDecisionSchema } from '../../contract/integration-events.js';
import { type Applicant, address } from '../../domain/applicants.js';
import { CREDIT_LINE_CURRENCY } from '../../domain/credit-checks.js';

export const tags = ['onboarding'];

/** Ids are UUIDs, lower-cased so that one applicant has one row whatever case the client sends. */
const uuid = z.uuid().toLowerCase();
export const applicantParams = z.object({ applicantId: uuid });
export const applicationParams = z.object({ lcApplicationId: uuid });

/** A new applicant: the login they get tokens with, who they are, and optionally their company and address. */
export const newApplicantBody = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{3,64}$/, "3 to 64 letters, digits, or '.', '_', '@', '-'"),
  password: z.string().min(8).max(256),
  name: z.string().max(200).describe('Blank names are refused'),
  company: z.string().max(200).optional().describe('The company they trade for'),
  address: address.optional(),
});

export const creditLineBody = z.strictObject({
  amount: decimalAmount({ min: 0, max: 1e12 }).describe('The credit line, e.g. 250000.00 (0: no credit)'),
  currency: z.literal(CREDIT_LINE_CURRENCY).describe('Credit lines are in USD'),
});

export const applicantResponse = z.object({
  applicant: z.object({
    id: z.uuid(),
    name: z.string(),
    company: z.string().optional(),
    address: address.optional(),
    creditLine: z
      .object({ amount: z.number(), currency: z.string() })
      .optional()
      .describe('Absent until a credit analyst sets one'),
  }),
});

export const creditCheckResponse = z.object({
  lcApplicationId: z.uuid(),
  applicantId: z.string(),
  decision: applicantDecisionSchema,
  decidedAt: z.string(),
});

/** Applicants map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toApplicantDto = ({ id, name, company, address, creditLineCents }: Applicant) => ({
  applicant: {
    id,
    name,
    ...(company !== undefined && { company }),
    ...(address && { address }),
    ...(creditLineCents !== undefined && {
      creditLine: { amount: fromCents(creditLineCents), currency: CREDIT_LINE_CURRENCY },
    }),
  },
});

export const problems = {
  notFound: 'No applicant with that id, or no credit check for that LC application yet',
};
