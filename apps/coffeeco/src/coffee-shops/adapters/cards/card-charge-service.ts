import type { CardChargeService } from '../../domain/purchase-service.js';
import { CardDeclined } from '../../domain/purchase-service.js';
import { CardError, type FakeCardProvider } from './fake-provider.js';

/** What a charge says it is for, on the provider's side (its dashboard, the customer's statement). */
export const chargeDescription = (purchaseId: string) => `CoffeeCo purchase ${purchaseId}`;

/**
 * The purchase's `CardChargeService` on a Stripe-shaped provider: the infrastructure service between our words
 * (charge this much for this purchase) and the provider's (a charge, a source, an idempotency key). The purchase
 * id is the idempotency key, so a second request for the same purchase, after a crash or a timeout, gets the
 * first one's charge back. A card error is a decline (nothing charged); anything else leaves the outcome unknown,
 * and is passed on as it is.
 */
export function providerCardChargeService(
  provider: Pick<FakeCardProvider, 'createCharge'>,
): CardChargeService {
  return {
    async ChargeCard(amount, cardToken, purchaseId) {
      try {
        const charge = await provider.createCharge(
          {
            amount: amount.amount,
            currency: amount.currency.toLowerCase(),
            source: cardToken,
            description: chargeDescription(purchaseId),
          },
          { idempotencyKey: purchaseId },
        );
        return { chargeId: charge.id };
      } catch (error) {
        if (error instanceof CardError) throw new CardDeclined(declineCode(error), error.message);
        throw error;
      }
    },
  };
}

/** The most telling code for the till: the decline's own when it has one (insufficient_funds), else the error's. */
function declineCode(error: CardError): string {
  if (error.code === 'resource_missing') return 'invalid_card_token';
  if (error.decline_code && error.decline_code !== 'generic_decline') return error.decline_code;
  return error.code;
}
