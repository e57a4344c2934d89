/**
 * A span of time from `from` (inclusive) to `to` (exclusive): a value object, as the book advises for
 * anything that only describes (a booking's from/to, VO-T5). It keeps instants as numbers, because a `Date`
 * can be changed by whoever holds it; its getters hand out copies.
 */
export class DateRange {
  readonly #from: number;
  readonly #to: number;

  private constructor(from: number, to: number) {
    this.#from = from;
    this.#to = to;
    Object.freeze(this);
  }

  static New(from: Date, to: Date): DateRange {
    const start = from.getTime();
    const end = to.getTime();
    if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError('a date range needs two valid dates');
    if (end <= start) throw new RangeError('a date range must end after it starts');
    return new DateRange(start, end);
  }

  From(): Date {
    return new Date(this.#from);
  }

  To(): Date {
    return new Date(this.#to);
  }

  /** In milliseconds. */
  Duration(): number {
    return this.#to - this.#from;
  }

  Overlaps(other: DateRange): boolean {
    return this.#from < other.#to && other.#from < this.#to;
  }

  equals(other: DateRange): boolean {
    return this.#from === other.#from && this.#to === other.#to;
  }
}
