import { derivedId, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { PurchaseOutbox } from '../../application/ports.js';
import { type CoffeeShopsMessage, PURCHASE_CHANNEL } from '../../contract/integration-events.js';
import type { PurchaseState } from '../../domain/purchase.js';

const money = ({ amount, currency }: { amount: number; currency: string }) => ({ amount, currency });

/** The published language's form of a completed purchase. */
export function purchaseCompleted(purchase: PurchaseState): CoffeeShopsMessage {
  return {
    type: 'coffeeshops.PurchaseCompleted',
    data: {
      purchaseId: purchase.id,
      storeId: purchase.storeId,
      ...(purchase.coffeeLoverId !== undefined && { coffeeLoverId: purchase.coffeeLoverId }),
      means: purchase.PaymentMeans,
      products: purchase.ProductsToPurchase.map(({ ItemName, BasePrice }) => ({
        itemName: ItemName,
        basePrice: money(BasePrice),
      })),
      total: money(purchase.total),
      completedAt: (purchase.completedAt ?? purchase.timeOfPurchase).toISOString(),
    },
  };
}

/**
 * Publishes the completion through the broker in the settling transaction (the outbox). Its id derives from the
 * purchase, so however often a completion is attempted it is one message, which the broker and every inbox
 * drop when it comes again.
 */
export function brokerPurchaseOutbox(broker: Publisher): PurchaseOutbox {
  return {
    purchaseCompleted: (purchase) =>
      publishMessages(broker, 'coffee-shops', [
        {
          id: derivedId(`coffee-shops/purchase/${purchase.id}`, 0),
          ...purchaseCompleted(purchase),
          subject: PURCHASE_CHANNEL,
          key: purchase.id,
        },
      ]),
  };
}
