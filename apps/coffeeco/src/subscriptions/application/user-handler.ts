import * as Leads from '../domain/leads.js';
import type { Ctx } from './ctx.js';
import type { LeadRepository } from './ports.js';

/**
 * The open host service (OHS-1, the book's seed name, not the repository's `IsUserPaymentActive`): other systems
 * ask whether a user's subscription is active, by the user ID they know the customer by.
 */
export interface UserHandler {
  IsUserSubscriptionActive(ctx: Ctx, userID: string): Promise<boolean>;
}

/** True for a converted customer who has not churned; false for anyone else, an unknown user ID included. */
export function createUserHandler({ leads }: { leads: Pick<LeadRepository, 'findByUserID'> }): UserHandler {
  return {
    async IsUserSubscriptionActive(ctx, userID) {
      ctx.signal?.throwIfAborted();
      const found = await leads.findByUserID(userID);
      return found !== undefined && Leads.isSubscriptionActive(found.state);
    },
  };
}
