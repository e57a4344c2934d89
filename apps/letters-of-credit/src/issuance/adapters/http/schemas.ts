import { fromCents } from '@tessera/platform/ddd';
import { nextPage, pageQuery, pageRequest } from '@tessera/platform/http';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import type { LCView } from '../../application/ports.js';

export const tags = ['issuance'];

/** Ids are UUIDs, lower-cased so that one LC is found whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });
export const applicationParams = z.object({ lcApplicationId: z.uuid().toLowerCase() });

export const listQuery = z.strictObject({
  applicantId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Only this applicant's LCs (an applicant sees only their own, whether they say so or not)"),
  ...pageQuery,
});
/** LCs are listed newest first: a page's key is [issued at, id]. */
export const newestFirstPage = (query: z.output<typeof listQuery>) =>
  pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));

const address = z.object({
  lines: z.array(z.string()),
  city: z.string(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string(),
});
const party = z.object({ name: z.string(), address });

const lcSchema = z
  .object({
    id: z.uuid(),
    lcNumber: z.string().describe("The bank's number for the LC, e.g. KPB-LC-2026-000001"),
    lcApplicationId: z.uuid().describe('The approved application it was issued for'),
    applicantId: z.string(),
    clientReference: z.string(),
    amount: z.object({ amount: z.number(), currency: z.string() }),
    applicant: party.optional(),
    beneficiary: party.extend({ taxId: z.string().optional() }).optional(),
    advisingBank: z.object({ bic: z.string(), name: z.string(), country: z.string() }).optional(),
    merchandise: z.object({
      items: z.array(
        z.object({ productId: z.string(), quantity: z.number().int(), description: z.string().optional() }),
      ),
      description: z.string().optional(),
    }),
    documents: z.array(z.string()),
    expiryDate: z.string().optional(),
    issuedAt: z.iso.datetime(),
  })
  .meta({ id: 'IssuedLC' })
  .describe('An issued LC: its number and the terms as issued');

export const lcResponse = z.object({ lc: lcSchema });
export const lcsResponse = z.object({ lcs: z.array(lcSchema), next: nextPage });

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toLCDto = ({ terms, ...lc }: LCView) => ({
  id: lc.id,
  lcNumber: lc.lcNumber,
  lcApplicationId: lc.lcApplicationId,
  applicantId: lc.applicantId,
  clientReference: terms.clientReference,
  amount: { amount: fromCents(terms.amountCents), currency: terms.currency },
  ...(terms.applicant && { applicant: terms.applicant }),
  ...(terms.beneficiary && { beneficiary: terms.beneficiary }),
  ...(terms.advisingBank && { advisingBank: terms.advisingBank }),
  merchandise: terms.merchandise,
  documents: terms.documents,
  ...(terms.expiryDate !== undefined && { expiryDate: terms.expiryDate }),
  issuedAt: lc.issuedAt,
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  badRequest: 'The request is invalid: `errors` names each field',
  notFound: 'No such LC (or none issued yet for that application)',
};
