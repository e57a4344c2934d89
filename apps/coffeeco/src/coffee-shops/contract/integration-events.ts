import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * The coffee shops' published language: a purchase was completed (paid for and recorded), keyed by purchase
 * id. Loyalty stamps the coffee lover's CoffeeBux card from it; anyone may count sales from it.
 */
export const PURCHASE_CHANNEL = 'coffeeco.coffee-shops.events.Purchase';

const money = z.strictObject({
  /** Minor units (cents): money is never a float. */
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3),
});

export const coffeeShopsMessages = {
  'coffeeshops.PurchaseCompleted': z.strictObject({
    purchaseId: z.uuid(),
    storeId: z.uuid(),
    /** Who bought, when a coffee lover said who they are (a cash buyer need not). */
    coffeeLoverId: z.string().optional(),
    means: z.enum(['card', 'cash', 'coffeebux']),
    /** Each product bought: every product CoffeeCo sells is a drink, each one a stamp when paid with money. */
    products: z.array(z.strictObject({ itemName: z.string(), basePrice: money })).min(1),
    /** What was charged, after the store's discount (nothing for drinks paid with CoffeeBux). */
    total: money,
    completedAt: z.iso.datetime(),
  }),
};

export type CoffeeShopsMessage = MessageOf<typeof coffeeShopsMessages>;

export const coffeeShopsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: PURCHASE_CHANNEL,
    description: 'Completed purchases, each once; keyed by purchase id',
    messages: coffeeShopsMessages,
    summaries: { 'coffeeshops.PurchaseCompleted': 'A purchase was paid for and recorded' },
  }),
];
