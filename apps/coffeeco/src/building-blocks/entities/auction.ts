import type { Money } from '../value-objects/money.js';

/**
 * An instant as the setters take it: an ISO 8601 text whose zone is said, and must be UTC (`Z` or `+00:00`).
 * A JavaScript `Date` carries no zone at all, so a `Date` could not be refused for being in the wrong one
 * (ENT-T2).
 */
export type UtcInstant = string;

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The book's auction as an entity (ENT-1..5): it is its identity, `id`, which nothing changes; the rest may
 * change over its life, through methods that say what happens and keep the rules (times are UTC), not a
 * setter per field (`AnemicAuction`). The id is a UUID, made once (`NewAuctionRefactored`) or given back by the
 * database when it is loaded, rather than the book's `int`: future-proof identifiers (ENT-3).
 */
export class AuctionRefactored {
  readonly #id: string;
  readonly #startingPrice: Money;
  readonly #sellerID: string;
  readonly #createdAt: number;
  #auctionStart: number;
  #auctionEnd: number;

  constructor(fields: {
    id: string;
    startingPrice: Money;
    sellerID: string;
    createdAt: Date;
    auctionStart: Date;
    auctionEnd: Date;
  }) {
    this.#id = fields.id;
    this.#startingPrice = fields.startingPrice;
    this.#sellerID = fields.sellerID;
    this.#createdAt = fields.createdAt.getTime();
    this.#auctionStart = fields.auctionStart.getTime();
    this.#auctionEnd = fields.auctionEnd.getTime();
  }

  GetId(): string {
    return this.#id;
  }

  StartingPrice(): Money {
    return this.#startingPrice;
  }

  SellerID(): string {
    return this.#sellerID;
  }

  CreatedAt(): Date {
    return new Date(this.#createdAt);
  }

  /**
   * How long the auction runs, in milliseconds: end minus start. The book's code computes start minus end,
   * a negative duration for every auction (Appendix B, B1).
   */
  GetAuctionElapsedDuration(): number {
    return this.#auctionEnd - this.#auctionStart;
  }

  GetAuctionEndTimeInUTC(): Date {
    return new Date(this.#auctionEnd);
  }

  GetAuctionStartTimeInUTC(): Date {
    return new Date(this.#auctionStart);
  }

  /** Throws "time zone must be UTC" for any other zone, and then changes nothing. */
  SetAuctionEnd(auctionEnd: UtcInstant): void {
    this.#auctionEnd = validateTimeZone(auctionEnd);
  }

  /** Throws "time zone must be UTC" for any other zone, and then changes nothing. */
  SetAuctionStartTimeInUTC(auctionStart: UtcInstant): void {
    // In reality, as the book says, this change would be persisted: the entity decides, a repository saves.
    this.#auctionStart = validateTimeZone(auctionStart);
  }
}

/** The book's `validateTimeZone`: the instant in ms, or "time zone must be UTC". */
function validateTimeZone(t: UtcInstant): number {
  const parts = ISO_INSTANT.exec(t);
  if (!parts) throw new Error('time zone must be UTC');
  const zone = parts[4];
  if (zone !== 'Z' && zone !== '+00:00') throw new Error('time zone must be UTC');
  const instant = new Date(t);
  // Date rolls 2023-02-30 over to March 2nd; an instant whose calendar day changed was not a real date.
  if (Number.isNaN(instant.getTime()) || instant.toISOString().slice(0, 10) !== parts[1]) {
    throw new RangeError(`${t} is not a valid instant`);
  }
  return instant.getTime();
}

/** A new auction, its identity made here once and for all. */
export function NewAuctionRefactored(fields: {
  startingPrice: Money;
  sellerID: string;
  createdAt: Date;
  auctionStart: Date;
  auctionEnd: Date;
}): AuctionRefactored {
  return new AuctionRefactored({ id: crypto.randomUUID(), ...fields });
}
