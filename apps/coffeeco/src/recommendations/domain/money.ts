import { invalidArgument } from '@tessera/platform/ddd';

/**
 * An amount of money in minor units (cents) and its currency: a value object, immutable and compared by value.
 * Whole numbers only, never floats, so that prices multiply and compare exactly.
 */
export class Money {
  private constructor(
    readonly amount: number,
    readonly currency: string,
  ) {
    Object.freeze(this);
  }

  static of(amount: number, currency: string): Money {
    if (!Number.isSafeInteger(amount)) {
      throw invalidArgument('money_not_whole_cents', 'an amount of money must be a whole number of cents');
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw invalidArgument('money_bad_currency', 'a currency is three capital letters (ISO 4217)');
    }
    return new Money(amount, currency);
  }

  Amount(): number {
    return this.amount;
  }

  Multiply(times: number): Money {
    return Money.of(this.amount * times, this.currency);
  }

  GreaterThan(other: Money): boolean {
    return this.amount > this.sameCurrency(other).amount;
  }

  LessThan(other: Money): boolean {
    return this.amount < this.sameCurrency(other).amount;
  }

  equals(other: Money): boolean {
    return this.amount === other.amount && this.currency === other.currency;
  }

  private sameCurrency(other: Money): Money {
    if (other.currency !== this.currency) {
      throw invalidArgument(
        'money_currency_mismatch',
        `cannot compare ${this.currency} with ${other.currency}`,
      );
    }
    return other;
  }
}
