import type { ServiceLookup } from '@tessera/platform/runtime';
import { type FreeDrinksService, LoyaltyUnavailableError } from './free-drinks.js';

/**
 * PLACEHOLDER, in the coffee shops' branch only: Loyalty's own version of this file (the in-process service or
 * its RPC, decided at each call) replaces it when the branches meet. Until then Loyalty is never there, so a
 * CoffeeBux payment stays pending (and is resumed later), as it would be while Loyalty is down.
 */
export function freeDrinksServiceFor(_context: ServiceLookup): FreeDrinksService {
  return {
    async redeem() {
      throw new LoyaltyUnavailableError('Loyalty is not part of this build yet');
    },
  };
}
