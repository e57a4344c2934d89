import { z } from 'zod';

/**
 * Prices cross the HTTP boundary as decimal numbers (12.34) and live everywhere else as whole cents.
 * The conversion works on the number's shortest decimal text (what JSON carried), never by multiplying
 * floats, so 0.29 is 29 cents and not 28.999999999999996.
 */
const MAX_PRICE = 10_000_000;
const AT_MOST_TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;

/** Negative prices pass here on purpose: the domain owns that rule and its message. */
export const price = z
  .number()
  .min(-MAX_PRICE)
  .max(MAX_PRICE)
  .refine((value) => AT_MOST_TWO_DECIMALS.test(String(value)), 'must have at most 2 decimal places');

export function toCents(value: number): number {
  const text = String(Math.abs(value));
  if (!AT_MOST_TWO_DECIMALS.test(text)) throw new RangeError(`${text} has more than 2 decimal places`);
  const [whole = '0', fraction = ''] = text.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return value < 0 ? -cents : cents;
}

/** Division by 100 is correctly rounded, so the result prints as the exact decimal (2929 -> 29.29). */
export const fromCents = (cents: number): number => cents / 100;
