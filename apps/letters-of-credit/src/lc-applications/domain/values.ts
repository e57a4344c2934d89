import { z } from 'zod';

/**
 * The value objects of an LC application, as schemas: the same shapes validate commands at the edge, are
 * stored in events, and are read back. Each is immutable plain data, equal by value.
 */

/** ISO 3166-1 alpha-2; the book's fictional Wakanda and Sokovia use user-assigned codes (XW, XS), not real ones. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter country code (ISO 3166-1 alpha-2)');
export type CountryCode = z.infer<typeof countryCode>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** An address in our own model (the anti-corruption layer translates providers' models into it). */
export const address = z.strictObject({
  lines: z.array(text(100)).min(1).max(3),
  city: text(100),
  /** A US state, a Canadian province, a region: one word for all of them. */
  region: text(100).optional(),
  postalCode: text(20).optional(),
  country: countryCode,
});
export type Address = z.infer<typeof address>;

/**
 * An address kept as one line of text (as the first version of the published language and of the beneficiary's
 * event had it), read into our model: "12 Harbour Road, Port Louis" is a line and the city. One part alone
 * stays whole, since nothing said which part was the city.
 */
export function addressFromOneLine(line: string, country: string): Address {
  const parts = line
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const city = parts.length > 1 ? parts.pop() : undefined;
  const lines = parts.length > 3 ? [...parts.slice(0, 2), parts.slice(2).join(', ')] : parts;
  return { lines: lines.length > 0 ? lines : ['(none given)'], city: city ?? '(not given)', country };
}

/** The applicant (the importer): who asks the bank for the LC. */
export const party = z.strictObject({ name: text(200), address });
export type Party = z.infer<typeof party>;

/** The beneficiary (the exporter), in whose favour the LC is issued; its country is subject to sanctions. */
export const beneficiary = party.extend({ taxId: text(40).optional() });
export type Beneficiary = z.infer<typeof beneficiary>;

/** The bank in the exporter's country that advises the LC, known by its SWIFT code (BIC). */
export const advisingBank = z.strictObject({
  bic: z
    .string()
    .regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/, 'must be a SWIFT code (BIC) of 8 or 11 characters'),
  name: text(200),
  country: countryCode,
});
export type AdvisingBank = z.infer<typeof advisingBank>;

/** Money in minor units (ADR 0006) and its ISO 4217 currency. */
export const money = z.strictObject({
  cents: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
});
export type Money = z.infer<typeof money>;

export const item = z.strictObject({
  productId: z.uuid(),
  quantity: z.number().int().min(1).max(1_000_000_000),
  description: text(200).optional(),
});
export type Item = z.infer<typeof item>;

/** What is traded: at least one item, each product once. */
export const merchandise = z.strictObject({
  items: z
    .array(item)
    .min(1)
    .max(100)
    .refine((items) => new Set(items.map((one) => one.productId)).size === items.length, {
      message: 'each product may appear once',
    }),
  description: text(1000).optional(),
});
export type Merchandise = z.infer<typeof merchandise>;

/** The documents the beneficiary must present to be paid: one clause each. */
export const documents = z.array(text(500)).min(1).max(20);
export type Documents = z.infer<typeof documents>;

/** When the beneficiary is paid: at sight of the documents, or a number of days after. */
export const tenor = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('at-sight') }),
  z.strictObject({ kind: z.literal('deferred'), days: z.number().int().min(1).max(360) }),
]);

export const conditions = z.strictObject({
  revocable: z.boolean(),
  transferable: z.boolean(),
  tenor,
  /** Further conditions, as clauses. */
  additional: z.array(text(500)).max(20).default([]),
});
export type Conditions = z.infer<typeof conditions>;

/** A calendar date, `YYYY-MM-DD`. */
export const calendarDate = z.iso.date();
