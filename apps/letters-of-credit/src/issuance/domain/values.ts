import { z } from 'zod';

/**
 * The terms of an LC as issued: what the bank committed to, copied from the approved application once and
 * never read from it again (an amended application would not amend an issued LC). Each is plain data.
 */
const text = z.string();
const address = z.object({
  lines: z.array(text),
  city: text,
  region: text.optional(),
  postalCode: text.optional(),
  country: text,
});
const party = z.object({ name: text, address });

export const lcTerms = z.object({
  /** The applicant's friendly name for it. */
  clientReference: text,
  /** Whole cents (ADR 0006). */
  amountCents: z.number().int().positive(),
  /** ISO 4217. */
  currency: z.string().regex(/^[A-Z]{3}$/),
  applicant: party.optional(),
  beneficiary: party.extend({ taxId: text.optional() }).optional(),
  advisingBank: z.object({ bic: text, name: text, country: text }).optional(),
  merchandise: z.object({
    items: z.array(z.object({ productId: text, quantity: z.number().int(), description: text.optional() })),
    description: text.optional(),
  }),
  /** The documents the beneficiary must present to be paid. */
  documents: z.array(text),
  /** YYYY-MM-DD. */
  expiryDate: text.optional(),
});
export type LCTerms = z.infer<typeof lcTerms>;

/** The bank's prefix for its LC numbers: Kosmo Primo Bank's letters of credit. */
export const LC_NUMBER_PREFIX = 'KPB-LC';

/**
 * The bank's number for an LC: the prefix, the year of issue and the LC's place among that year's, at least
 * six digits (KPB-LC-2026-000001), so that numbers of one year sort as they were given.
 */
export function lcNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`not a year: ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`not a sequence: ${sequence}`);
  return `${LC_NUMBER_PREFIX}-${year}-${String(sequence).padStart(6, '0')}`;
}
