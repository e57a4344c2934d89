import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from './support/host.js';

// A loyal customer's tenth coffee, as Loyalty sees it: the coffee shops publish each completed purchase (here
// the test publishes them as the shops would), the tenth drink bought earns a free one, and the next purchase is
// paid with it through the FreeDrinksService, which stamps nothing. On PostgreSQL with NATS, as deployed (one
// host: stamps.test.ts and free-drinks.test.ts cover the embedded broker and PGlite).
const setups = testSetups.filter(({ broker }) => broker === 'nats');

describe.each(setups)(
  "a loyal customer's tenth coffee, through the $broker broker on $backend.backend",
  ({ backend, broker }) => {
    let api: LoyaltyHost;
    beforeAll(async () => {
      api = await startLoyaltyHost(backend, broker);
    });
    afterAll(() => api?.close());

    it('earns a free drink with the tenth coffee bought, and pays for the eleventh with it', async () => {
      const who = { coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() };
      const lover = { subject: who.coffeeLoverId, roles: ['coffee-lover'] };
      const card = async () => {
        const response = await api.as(lover).call('GET', '/api/loyalty/cards');
        expect(response.statusCode, response.body).toBe(200);
        return response.json<{ cards: Array<{ freeDrinksAvailable: number; drinksToGo: number }> }>()
          .cards[0];
      };

      for (let coffee = 1; coffee <= 9; coffee++) {
        await api.deliver(purchaseCompleted({ ...who, means: coffee % 2 === 0 ? 'cash' : 'card' }));
      }
      expect(await card()).toMatchObject({ freeDrinksAvailable: 0, drinksToGo: 1 });
      expect(await api.freeDrinks.redeem({ purchaseId: randomUUID(), ...who, drinks: 1 })).toEqual({
        redeemed: false,
        reason: 'not enough coffeeBux to cover entire purchase. Have 0, need 1',
        freeDrinksAvailable: 0,
      });

      await api.deliver(purchaseCompleted(who));
      expect(await card()).toMatchObject({ freeDrinksAvailable: 1, drinksToGo: 10 });

      // The eleventh: the shops ask Loyalty to pay for it, then publish the purchase, paid with CoffeeBux.
      const eleventh = randomUUID();
      expect(await api.freeDrinks.redeem({ purchaseId: eleventh, ...who, drinks: 1 })).toEqual({
        redeemed: true,
        freeDrinksLeft: 0,
      });
      await api.deliver(
        purchaseCompleted({
          ...who,
          purchaseId: eleventh,
          means: 'coffeebux',
          total: { amount: 0, currency: 'USD' },
        }),
      );
      expect(await card()).toMatchObject({ freeDrinksAvailable: 0, drinksToGo: 10 });
    });
  },
);
