/**
 * The book's `money.Money` (github.com/Rhymond/go-money), as a value object: an amount in minor units (cents)
 * and its currency, never a float ("floats are not good ways to represent money"). Two amounts are the same
 * when their values are; every operation answers a new Money and leaves this one as it was.
 */
export class Money {
  readonly #amount: bigint;
  readonly #currency: string;

  private constructor(amount: bigint, currency: string) {
    this.#amount = amount;
    this.#currency = currency;
    Object.freeze(this);
  }

  /** go-money's `money.New(amount, code)`: `amount` in minor units, a whole number. */
  static New(amount: bigint | number, currency: string): Money {
    if (typeof amount === 'number' && !Number.isSafeInteger(amount)) {
      throw new RangeError(`money is a whole number of minor units, not ${amount}`);
    }
    if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`${currency} is not an ISO 4217 currency code`);
    return new Money(BigInt(amount), currency);
  }

  static Zero(currency: string): Money {
    return Money.New(0n, currency);
  }

  Amount(): bigint {
    return this.#amount;
  }

  Currency(): string {
    return this.#currency;
  }

  /** Throws when the currencies differ: adding dollars to euros has no answer. */
  Add(other: Money): Money {
    this.#sameCurrency(other);
    return new Money(this.#amount + other.#amount, this.#currency);
  }

  Multiply(times: bigint | number): Money {
    return new Money(this.#amount * BigInt(times), this.#currency);
  }

  GreaterThan(other: Money): boolean {
    this.#sameCurrency(other);
    return this.#amount > other.#amount;
  }

  LessThan(other: Money): boolean {
    this.#sameCurrency(other);
    return this.#amount < other.#amount;
  }

  IsZero(): boolean {
    return this.#amount === 0n;
  }

  equals(other: Money): boolean {
    return this.#amount === other.#amount && this.#currency === other.#currency;
  }

  toString(): string {
    return `${this.#currency} ${this.#amount}`;
  }

  #sameCurrency(other: Money): void {
    if (other.#currency !== this.#currency) throw new Error("currencies don't match");
  }
}
