import { invalidArgument, moneyText } from '@tessera/platform/ddd';

/**
 * An amount of money: a whole number of minor units (cents) in a currency, never a float (spec 0.3, ADR 0006).
 * A value object: immutable, compared by its values, and each operation answers a new one.
 */
export class Money {
  private constructor(
    /** Minor units: 3300 is USD 33.00. */
    readonly amount: number,
    /** ISO 4217, e.g. USD. */
    readonly currency: string,
  ) {
    Object.freeze(this);
  }

  static of(amount: number, currency: string): Money {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw invalidArgument('bad_amount', `${amount} is not a whole, non-negative number of cents`, 'amount');
    }
    if (!/^[A-Z]{3}$/.test(currency)) {
      throw invalidArgument('bad_currency', `${currency} is not an ISO 4217 currency code`, 'currency');
    }
    return new Money(amount, currency);
  }

  static zero(currency: string): Money {
    return Money.of(0, currency);
  }

  /** The sum; adding another currency is a mistake, never a conversion. */
  add(other: Money): Money {
    if (other.currency !== this.currency) {
      throw new Error(`cannot add ${other.currency} to ${this.currency}`);
    }
    return Money.of(this.amount + other.amount, this.currency);
  }

  /**
   * What is left after `percent` off (an integer 0..100), rounded half-up to the cent (CC-D1):
   * `amount × (100 − percent) / 100`, in integers, so 10% off 3300 is 2970 and 10% off 5 is 5 (4.5 rounds up).
   */
  percentOff(percent: number): Money {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw invalidArgument('bad_discount', 'a discount is a whole percent from 0 to 100', 'percent');
    }
    return Money.of(Math.floor((this.amount * (100 - percent) + 50) / 100), this.currency);
  }

  isZero(): boolean {
    return this.amount === 0;
  }

  equals(other: Money): boolean {
    return this.amount === other.amount && this.currency === other.currency;
  }

  toString(): string {
    return moneyText(this.amount, this.currency);
  }
}

/** CoffeeCo's stores sell in US dollars (the book's one currency). */
export const USD = 'USD';
