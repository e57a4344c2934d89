/**
 * Loyalty's synchronous public API for the coffee shops: paying for drinks with the free drinks a coffee lover's
 * CoffeeBux card holds at a store. In one process the Loyalty module provides it under `FREE_DRINKS_SERVICE`;
 * from another process the same call goes over RPC (`coffeeco.loyalty.v1.FreeDrinksService`). Ask it through
 * `freeDrinksServiceFor` (free-drinks-client.ts), which decides which at each call.
 */
export const FREE_DRINKS_SERVICE = 'coffeeco.loyalty.FreeDrinksService';

export interface FreeDrinksRedemption {
  /** The purchase the drinks pay for: the redemption's idempotency key (the same purchase redeems once). */
  readonly purchaseId: string;
  readonly coffeeLoverId: string;
  readonly storeId: string;
  /** How many drinks: one free drink each (at least 1). */
  readonly drinks: number;
}

export type FreeDrinksOutcome =
  /** The drinks are paid for; `freeDrinksLeft` on the card after it. Asked again for the same purchase: the same. */
  | { readonly redeemed: true; readonly freeDrinksLeft: number }
  /**
   * Not enough free drinks (or no card at that store): nothing was taken. `reason` is for the coffee lover, e.g.
   * "not enough coffeeBux to cover entire purchase. Have 1, need 2". Asked again for the same purchase: the same.
   */
  | { readonly redeemed: false; readonly reason: string; readonly freeDrinksAvailable: number };

export interface FreeDrinksService {
  redeem(redemption: FreeDrinksRedemption): Promise<FreeDrinksOutcome>;
}

/**
 * Loyalty could not be asked (unreachable, timed out, or an answer that is not one). Not a DomainError: the
 * asker leaves its purchase pending and tries again later (the redemption is idempotent).
 */
export class LoyaltyUnavailableError extends Error {
  readonly code = 'loyalty_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoyaltyUnavailableError';
  }
}
