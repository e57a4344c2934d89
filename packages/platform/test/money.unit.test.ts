import { fromCents, moneyText, toCents } from '@tessera/platform/ddd';
import { decimalAmount } from '@tessera/platform/http';
import { describe, expect, it } from 'vitest';

/** Stores' prices: negative ones pass here, for the domain to refuse with its own message. */
const price = decimalAmount({ min: -10_000_000, max: 10_000_000 });

describe('money at the HTTP boundary (ADR 0006)', () => {
  it.each([
    [0, 0],
    [0.29, 29],
    [0.1, 10],
    [1.1, 110],
    [19.99, 1999],
    [1.005e2, 10050],
    [4.35, 435],
    [10_000_000, 1_000_000_000],
    [-0.07, -7],
    [-0, 0],
  ])('converts %s to %s cents exactly', (value, cents) => {
    expect(toCents(value)).toBe(cents);
    expect(price.safeParse(value).success).toBe(true);
  });

  it('gives back the same decimal it took, for every cent up to 100.00', () => {
    const wrong: number[] = [];
    for (let cents = 0; cents <= 10_000; cents++) {
      const value = fromCents(cents);
      if (toCents(value) !== cents || !/^\d+(\.\d{1,2})?$/.test(String(value))) wrong.push(cents);
    }
    expect(wrong).toEqual([]);
  });

  it.each([1.005, 0.001, 19.999, 1e-7, 10_000_000.01, -10_000_001, 1e21])(
    'refuses %s: more than 2 decimal places or out of range',
    (value) => {
      expect(price.safeParse(value).success).toBe(false);
    },
  );

  it('will not convert a value with more than 2 decimal places', () => {
    expect(() => toCents(1.005)).toThrow(RangeError);
  });
});

describe('money in messages', () => {
  it.each([
    [0, 'USD 0.00'],
    [5, 'USD 0.05'],
    [29, 'USD 0.29'],
    [100_000_00, 'USD 100,000.00'],
    [500_000_01, 'USD 500,000.01'],
    [123_456_789_12, 'USD 123,456,789.12'],
    [-1_234_50, 'USD -1,234.50'],
  ])('writes %s cents as %s', (cents, text) => {
    expect(moneyText(cents, 'USD')).toBe(text);
  });

  it('is exact beyond what a double holds', () => {
    expect(moneyText(12_345_678_901_234_567_890n, 'EUR')).toBe('EUR 123,456,789,012,345,678.90');
  });
});
