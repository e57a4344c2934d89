/**
 * Money is an integer number of minor units (cents) in domains, events and tables (ADR 0006); the HTTP boundary
 * shows and takes decimal currency units with at most two places (12.34). These convert between the two
 * exactly: from the number's shortest decimal text (what JSON carried), never by multiplying floats, so 0.29 is
 * 29 cents and not 28.999999999999996.
 */
const AT_MOST_TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;

/** True when `value`, as JSON writes it, has at most two decimal places (1e21 and 1e-7 have not). */
export const hasAtMostTwoDecimals = (value: number): boolean => AT_MOST_TWO_DECIMALS.test(String(value));

/** The exact cents of a decimal amount; a RangeError when it has more than two decimal places. */
export function toCents(value: number): number {
  const text = String(Math.abs(value));
  if (!AT_MOST_TWO_DECIMALS.test(text)) throw new RangeError(`${text} has more than 2 decimal places`);
  const [whole = '0', fraction = ''] = text.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return value < 0 ? -cents : cents;
}

/** Cents as the decimal amount: division by 100 is correctly rounded, so 2929 prints as 29.29. */
export const fromCents = (cents: number): number => cents / 100;

/**
 * An amount as people read it in a message or a remark: the currency, then the decimal amount with its
 * thousands grouped (`USD 1,234,567.80`). Exact for any whole number of cents, a bigint's too.
 */
export function moneyText(cents: number | bigint, currency: string): string {
  const value = BigInt(cents);
  const digits = (value < 0n ? -value : value).toString().padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${value < 0n ? '-' : ''}${whole}.${digits.slice(-2)}`;
}
