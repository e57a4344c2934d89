import { z } from 'zod';

/**
 * Totals cross the HTTP boundary as decimal currency units (12.34) and live everywhere else as whole cents
 * (ADR 0006). Converted from the number's shortest decimal text (what JSON carried), never by multiplying
 * floats, so 0.29 is 29 cents and not 28.999999999999996. (The same rule as Stores' prices.)
 */
const MAX_TOTAL = 1_000_000_000;
const AT_MOST_TWO_DECIMALS = /^\d+(\.\d{1,2})?$/;

export const amount = z
  .number()
  .min(0)
  .max(MAX_TOTAL)
  .refine((value) => AT_MOST_TWO_DECIMALS.test(String(value)), 'must have at most 2 decimal places');

export function toCents(value: number): number {
  const [whole = '0', fraction = ''] = String(value).split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Division by 100 is correctly rounded, so the result prints as the exact decimal (2929 -> 29.29). */
export const fromCents = (cents: number): number => cents / 100;
