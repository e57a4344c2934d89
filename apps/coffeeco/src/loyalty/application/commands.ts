import {
  type AggregateStore,
  alreadyExists,
  type DomainError,
  isDomainError,
  type UnitOfWork,
} from '@tessera/platform/ddd';
import type { FreeDrinksOutcome } from '../contract/free-drinks.js';
import * as CoffeeBux from '../domain/coffee-bux.js';
import type { RedemptionRequest, Redemptions, StampedPurchases } from './ports.js';

export interface LoyaltyCommandDependencies {
  /** The cards' event store, whose saves keep the cards' query model in their transaction. */
  readonly cards: AggregateStore<CoffeeBux.State, CoffeeBux.Event>;
  readonly stampedPurchases: StampedPurchases;
  readonly redemptions: Redemptions;
  readonly db: Pick<UnitOfWork, 'transaction'>;
  /** A coffee lover's card at a store always has the same id (see module.ts). */
  readonly cardIdFor: (coffeeLoverId: string, storeId: string) => string;
}

export interface LoyaltyCommands {
  /**
   * Stamps the buyer's card for a completed purchase, once per purchase whatever announces it how often
   * (`stamped` false: nothing to stamp, or stamped before). Runs in the caller's transaction when there is one.
   */
  stampPurchase(purchase: CoffeeBux.CompletedPurchase): Promise<{ stamped: boolean }>;
  /**
   * Pays for the drinks of a purchase with the card's free drinks, once per purchase: asked again, the same
   * outcome, the refusal too, and nothing taken twice. Bad input (no drinks, no coffee lover) is a DomainError of
   * kind invalid_argument naming the field; the same purchase asked with other drinks, of kind already_exists.
   */
  redeem(request: RedemptionRequest): Promise<FreeDrinksOutcome>;
}

/** A stamp and a redemption of one card may race (two tills, a stamp arriving): the loser reloads and decides again. */
const MAX_ATTEMPTS = 5;

async function reloadingOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(isDomainError(error) && error.kind === 'conflict') || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

const sameRequest = (a: RedemptionRequest, b: RedemptionRequest) =>
  a.coffeeLoverId === b.coffeeLoverId && a.storeId === b.storeId && a.drinks === b.drinks;

const isRefusal = (error: unknown): error is DomainError =>
  isDomainError(error) && CoffeeBux.REFUSALS.has(error.code);

export function createLoyaltyCommands({
  cards,
  stampedPurchases,
  redemptions,
  db,
  cardIdFor,
}: LoyaltyCommandDependencies): LoyaltyCommands {
  return {
    async stampPurchase(purchase) {
      if (CoffeeBux.stampsEarned(purchase) === 0) return { stamped: false };
      const cardId = cardIdFor(purchase.coffeeLoverId, purchase.storeId);
      return db.transaction(async () => {
        if (!(await stampedPurchases.firstTime(purchase.purchaseId, cardId))) return { stamped: false };
        await reloadingOnConflict(() =>
          cards.update(cardId, (state) => CoffeeBux.stampPurchase(state, purchase)),
        );
        return { stamped: true };
      });
    },

    async redeem(request) {
      CoffeeBux.mustBeAnId(request.purchaseId, 'purchaseId', {
        code: 'purchase_missing',
        message: 'say which purchase the drinks are for',
      });
      CoffeeBux.mustBeDrinks(request.drinks);
      CoffeeBux.mustNameHolder(request.coffeeLoverId, request.storeId);
      const cardId = cardIdFor(request.coffeeLoverId, request.storeId);
      return db.transaction(async () => {
        const earlier = await redemptions.claim(request);
        if (earlier) {
          if (!sameRequest(earlier.request, request)) {
            throw alreadyExists(
              'purchase_redeemed_otherwise',
              'this purchase was paid with free drinks for another coffee lover, store or number of drinks',
              'purchaseId',
            );
          }
          return earlier.outcome;
        }
        const outcome = await reloadingOnConflict(async (): Promise<FreeDrinksOutcome> => {
          let refusal: FreeDrinksOutcome | undefined;
          const saved = await cards.update(cardId, (card) => {
            try {
              return CoffeeBux.Pay(card, request.drinks, request.purchaseId);
            } catch (error) {
              if (!isRefusal(error)) throw error;
              const { freeDrinksAvailable } = CoffeeBux.balanceOf(card);
              refusal = { redeemed: false, reason: error.message, freeDrinksAvailable };
              return [];
            }
          });
          return (
            refusal ?? {
              redeemed: true,
              freeDrinksLeft: CoffeeBux.balanceOf(saved.state).freeDrinksAvailable,
            }
          );
        });
        await redemptions.record(request.purchaseId, cardId, outcome);
        return outcome;
      });
    },
  };
}
