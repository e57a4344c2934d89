import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { FreeDrinksOutcome } from '../contract/free-drinks.js';

/**
 * The purchases whose stamps were added, by purchase id: the deduplication a card needs beyond the inbox's. The
 * inbox drops a message it has seen; a purchase announced again under another message id (a re-drive, the shops
 * publishing it again, a duplicate past the inbox's retention) is dropped here.
 */
export interface StampedPurchases {
  /**
   * In the caller's transaction: true the first time `purchaseId` is stamped (recording it for `cardId`), false
   * after. A concurrent first time waits for the other and then sees false (or true if the other rolled back).
   */
  firstTime(purchaseId: string, cardId: string): Promise<boolean>;
}

export interface RedemptionRequest {
  readonly purchaseId: string;
  readonly coffeeLoverId: string;
  readonly storeId: string;
  readonly drinks: number;
}

/** The outcome of each purchase's redemption, kept so that asking again answers the same (the refusal too). */
export interface Redemptions {
  /**
   * In the caller's transaction: claims `purchaseId` and answers undefined the first time (the caller then
   * records the outcome in the same transaction); afterwards, the request and outcome recorded. A concurrent
   * claim waits for the first one's transaction, then answers what it recorded.
   */
  claim(
    request: RedemptionRequest,
  ): Promise<{ request: RedemptionRequest; outcome: FreeDrinksOutcome } | undefined>;
  record(purchaseId: string, cardId: string, outcome: FreeDrinksOutcome): Promise<void>;
}

/** A card as the coffee lover and the staff read it (the query model, kept with every save of the card). */
export interface CardView {
  readonly cardId: string;
  readonly coffeeLoverId: string;
  readonly storeId: string;
  readonly freeDrinksAvailable: number;
  /** Drinks bought with money until the next free drink (10 on a new card). */
  readonly drinksToGo: number;
  /** ISO 8601, UTC: when its first stamp issued it. */
  readonly issuedAt: string;
  /** The card's stream version as its last save left it: larger after every change, in commit order. */
  readonly version: number;
}

/** One event of a card's history, in the words the API shows. */
export interface HistoryEntry {
  /** The event's place in the card's history: 1 for its issue. */
  readonly sequence: number;
  readonly kind: 'issued' | 'stamp' | 'free-drink-earned' | 'free-drinks-redeemed';
  readonly purchaseId?: string;
  /** For a redemption: how many free drinks it took. */
  readonly drinks?: number;
  /** ISO 8601, UTC. */
  readonly at: string;
}

export interface CardViews {
  find(cardId: string): Promise<CardView | undefined>;
  /** A coffee lover's cards, newest first. */
  listOf(coffeeLoverId: string, page: PageRequest): Promise<Page<CardView>>;
  /** A card's history, newest first; `page.after` is a sequence. */
  history(cardId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
}
