import { describe, expect, it } from 'vitest';
import { toCompletedPurchase } from '../../src/loyalty/adapters/messaging/purchases.js';
import { purchaseCompleted } from './support/host.js';

describe("the anti-corruption layer from the shops' PurchaseCompleted to the card's completed purchase", () => {
  it('makes a drink of each product, and money of card and cash', () => {
    for (const means of ['card', 'cash'] as const) {
      const { data } = purchaseCompleted({ drinks: 3, means });
      expect(toCompletedPurchase(data)).toEqual({
        purchaseId: data.purchaseId,
        coffeeLoverId: data.coffeeLoverId,
        storeId: data.storeId,
        drinks: 3,
        paidWith: 'money',
      });
    }
  });

  it('says drinks paid with CoffeeBux were paid with free drinks', () => {
    const { data } = purchaseCompleted({ drinks: 2, means: 'coffeebux' });
    expect(toCompletedPurchase(data)).toMatchObject({ drinks: 2, paidWith: 'coffeebux' });
  });

  it('makes nothing of a purchase of nobody known', () => {
    const { data } = purchaseCompleted();
    const { coffeeLoverId: _none, ...anonymous } = data;
    expect(toCompletedPurchase(anonymous)).toBeUndefined();
    expect(toCompletedPurchase({ ...data, coffeeLoverId: ' ' })).toBeUndefined();
  });
});
