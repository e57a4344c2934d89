import { isDomainError } from '@tessera/platform/ddd';
import { type GroupSubscription, onMessages, PoisonMessageError } from '@tessera/platform/messaging';
import {
  type CoffeeShopsMessage,
  coffeeShopsMessages,
  PURCHASE_CHANNEL,
} from '../../../coffee-shops/contract/integration-events.js';
import type { LoyaltyCommands } from '../../application/commands.js';
import type { CompletedPurchase } from '../../domain/coffee-bux.js';

/** The group through which Loyalty hears of completed purchases. */
export const LOYALTY_PURCHASES_GROUP = 'loyalty-purchases';

type PurchaseCompleted = Extract<CoffeeShopsMessage, { type: 'coffeeshops.PurchaseCompleted' }>['data'];

/**
 * The anti-corruption layer between the shops' language and the card's: a completed purchase becomes the card's
 * command in the card's words (drinks, paid with money or with free drinks). Products, prices, totals and the
 * means of payment stay on the shops' side; a purchase of nobody known (cash from a passer-by) is no one's
 * stamp.
 */
export function toCompletedPurchase(purchase: PurchaseCompleted): CompletedPurchase | undefined {
  if (purchase.coffeeLoverId === undefined || purchase.coffeeLoverId.trim() === '') return undefined;
  return {
    purchaseId: purchase.purchaseId,
    coffeeLoverId: purchase.coffeeLoverId,
    storeId: purchase.storeId,
    drinks: purchase.products.length,
    paidWith: purchase.means === 'coffeebux' ? 'coffeebux' : 'money',
  };
}

/**
 * Stamps from completed purchases. The handler runs in the broker's transaction with the inbox row that makes a
 * redelivered message a no-op; a purchase heard again under another message id is dropped by the stamped
 * purchases (LoyaltyCommands.stampPurchase). Other messages of the channel are acknowledged and ignored.
 */
export function purchaseGroups(commands: Pick<LoyaltyCommands, 'stampPurchase'>): GroupSubscription[] {
  const { 'coffeeshops.PurchaseCompleted': completed } = coffeeShopsMessages;
  return [
    {
      group: LOYALTY_PURCHASES_GROUP,
      subject: PURCHASE_CHANNEL,
      handle: onMessages(
        { 'coffeeshops.PurchaseCompleted': completed },
        {
          'coffeeshops.PurchaseCompleted': async (data) => {
            const purchase = toCompletedPurchase(data);
            if (!purchase) return;
            try {
              await commands.stampPurchase(purchase);
            } catch (error) {
              // An id the card cannot keep (a coffee lover's id of 300 characters) fails alike at every
              // attempt: to the dead letters at once, naming it, rather than retried.
              if (isDomainError(error) && error.kind === 'invalid_argument') {
                throw new PoisonMessageError(error.message, `data.${error.field ?? ''}`);
              }
              throw error;
            }
          },
        },
      ),
    },
  ];
}
