import type { Money } from '../value-objects/money.js';

/**
 * The book's anti-example (ENT-4): an auction that is only its fields, a getter and a setter for each. It
 * knows no rule, so every caller must know them all: who checks that the end is in UTC, or after the start?
 * Compare `AuctionRefactored`. Kept to be read, not used.
 */
export class AnemicAuction {
  #id: number;
  #startingPrice: Money;
  #sellerID: number;
  #createdAt: Date;
  #auctionStart: Date;
  #auctionEnd: Date;

  constructor(fields: {
    id: number;
    startingPrice: Money;
    sellerID: number;
    createdAt: Date;
    auctionStart: Date;
    auctionEnd: Date;
  }) {
    this.#id = fields.id;
    this.#startingPrice = fields.startingPrice;
    this.#sellerID = fields.sellerID;
    this.#createdAt = fields.createdAt;
    this.#auctionStart = fields.auctionStart;
    this.#auctionEnd = fields.auctionEnd;
  }

  GetID(): number {
    return this.#id;
  }
  StartingPrice(): Money {
    return this.#startingPrice;
  }
  SetStartingPrice(startingPrice: Money): void {
    this.#startingPrice = startingPrice;
  }
  GetSellerID(): number {
    return this.#sellerID;
  }
  SetSellerID(sellerID: number): void {
    this.#sellerID = sellerID;
  }
  GetCreatedAt(): Date {
    return this.#createdAt;
  }
  SetCreatedAt(createdAt: Date): void {
    this.#createdAt = createdAt;
  }
  GetAuctionStart(): Date {
    return this.#auctionStart;
  }
  SetAuctionStart(auctionStart: Date): void {
    this.#auctionStart = auctionStart;
  }
  GetAuctionEnd(): Date {
    return this.#auctionEnd;
  }
  SetAuctionEnd(auctionEnd: Date): void {
    this.#auctionEnd = auctionEnd;
  }
}
