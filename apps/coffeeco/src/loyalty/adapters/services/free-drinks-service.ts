import type { LoyaltyCommands } from '../../application/commands.js';
import type { FreeDrinksService } from '../../contract/free-drinks.js';

/**
 * The in-process FreeDrinksService: the redemption command as the contract's data. Called from another module
 * of this process, it joins the caller's transaction (a purchase that rolls back takes its redemption with it).
 */
export function freeDrinksService(commands: Pick<LoyaltyCommands, 'redeem'>): FreeDrinksService {
  return {
    redeem: ({ purchaseId, coffeeLoverId, storeId, drinks }) =>
      commands.redeem({ purchaseId, coffeeLoverId, storeId, drinks }),
  };
}
