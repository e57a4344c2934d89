import { isDomainError } from '@tessera/platform/ddd';
import type { FreeDrinksService } from '../../../loyalty/contract/free-drinks.js';
import { CoffeeBuxRefused, type CoffeeBuxService } from '../../domain/purchase-service.js';

/**
 * Paying with CoffeeBux through Loyalty's published service (its contract, free-drinks.ts): one free drink per
 * product, redeemed once per purchase (the purchase id is the redemption's key). Loyalty's refusal, or a request
 * Loyalty says is wrong, refuses the payment; Loyalty not answering (LoyaltyUnavailableError) leaves it unknown.
 */
export function loyaltyCoffeeBux(freeDrinks: FreeDrinksService): CoffeeBuxService {
  return {
    async Pay(purchase) {
      if (purchase.coffeeLoverId === undefined)
        throw new CoffeeBuxRefused('no coffee lover to pay with CoffeeBux');
      let outcome: Awaited<ReturnType<FreeDrinksService['redeem']>>;
      try {
        outcome = await freeDrinks.redeem({
          purchaseId: purchase.id,
          coffeeLoverId: purchase.coffeeLoverId,
          storeId: purchase.storeId,
          drinks: purchase.ProductsToPurchase.length,
        });
      } catch (error) {
        if (isDomainError(error) && error.kind !== 'internal') throw new CoffeeBuxRefused(error.message);
        throw error;
      }
      if (!outcome.redeemed) throw new CoffeeBuxRefused(outcome.reason);
    },
  };
}
