import { invalidArgument } from '@tessera/platform/ddd';
import { createLogger } from '@tessera/platform/observability';
import type { ServiceLookup } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { loyaltyCoffeeBux } from '../../src/coffee-shops/adapters/loyalty/coffee-bux.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { product } from '../../src/coffee-shops/domain/product.js';
import { Purchase } from '../../src/coffee-shops/domain/purchase.js';
import { CoffeeBuxRefused } from '../../src/coffee-shops/domain/purchase-service.js';
import {
  type FreeDrinksRedemption,
  type FreeDrinksService,
  LoyaltyUnavailableError,
} from '../../src/loyalty/contract/free-drinks.js';
import { freeDrinksServiceFor } from '../../src/loyalty/contract/free-drinks-client.js';

const LOVER = 'c0ffee00-0000-4000-8000-000000000001';
const STORE = '7d3c2f64-93a4-4a4f-9f55-2d4d7b8f3a10';
const latte = product('Latte', Money.of(330, USD));
const purchase = () =>
  Purchase.create({
    id: crypto.randomUUID(),
    storeId: STORE,
    ProductsToPurchase: [latte, latte],
    PaymentMeans: 'coffeebux',
    coffeeLoverId: LOVER,
  });

const loyalty = (answer: FreeDrinksService['redeem']) => {
  const asked: FreeDrinksRedemption[] = [];
  const service: FreeDrinksService = {
    redeem: async (redemption) => {
      asked.push(redemption);
      return answer(redemption);
    },
  };
  return { coffeeBux: loyaltyCoffeeBux(service), asked };
};

describe('paying with CoffeeBux through Loyalty’s FreeDrinksService', () => {
  it('redeems one free drink per product, keyed by the purchase', async () => {
    const { coffeeBux, asked } = loyalty(async () => ({ redeemed: true, freeDrinksLeft: 3 }));
    const bought = purchase();
    await coffeeBux.Pay(bought);
    expect(asked).toEqual([{ purchaseId: bought.id, coffeeLoverId: LOVER, storeId: STORE, drinks: 2 }]);
  });

  it('refuses with Loyalty’s reason; a request Loyalty calls wrong is a refusal too', async () => {
    const reason = 'not enough coffeeBux to cover entire purchase. Have 1, need 2';
    const refused = loyalty(async () => ({ redeemed: false, reason, freeDrinksAvailable: 1 }));
    await expect(refused.coffeeBux.Pay(purchase())).rejects.toEqual(new CoffeeBuxRefused(reason));
    const wrong = loyalty(async () => {
      throw invalidArgument('no_card', 'no CoffeeBux card at that store');
    });
    await expect(wrong.coffeeBux.Pay(purchase())).rejects.toEqual(
      new CoffeeBuxRefused('no CoffeeBux card at that store'),
    );
  });

  it('leaves the outcome unknown when Loyalty is not there (the purchase then stays pending)', async () => {
    const lookup: ServiceLookup = {
      services: { provide: () => undefined, find: () => undefined },
      rpcServices: new Map(),
      serviceToken: async () => 'token',
      logger: createLogger({ level: 'silent', format: 'json' }),
      caller: 'coffee-shops',
    };
    const coffeeBux = loyaltyCoffeeBux(freeDrinksServiceFor(lookup));
    await expect(coffeeBux.Pay(purchase())).rejects.toBeInstanceOf(LoyaltyUnavailableError);
  });
});
