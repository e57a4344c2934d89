import { describe, expect, it } from 'vitest';
import { purchaseCompleted } from '../../src/coffee-shops/adapters/messaging/purchase-completed.js';
import { MEANS_CARD, MEANS_CASH, MEANS_COFFEEBUX, type Means } from '../../src/coffee-shops/domain/means.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { type Product, product } from '../../src/coffee-shops/domain/product.js';
import { Purchase, type PurchaseState } from '../../src/coffee-shops/domain/purchase.js';
import {
  type CardChargeService,
  CardDeclined,
  CoffeeBuxRefused,
  type CoffeeBuxService,
  PaymentFailed,
  PaymentPending,
  type Repository,
  Service,
  type StoreService,
} from '../../src/coffee-shops/domain/purchase-service.js';
import { ErrNoDiscount } from '../../src/coffee-shops/domain/store.js';

const NOW = new Date('2026-03-01T08:30:00Z');
const STORE = '7d3c2f64-93a4-4a4f-9f55-2d4d7b8f3a10';
const LOVER = 'c0ffee00-0000-4000-8000-000000000001';
const item1 = product('item1', Money.of(3300, USD));

/**
 * The book's `CompletePurchase` scenarios (spec A.11, CC-1..13) on fakes of its ports, each recording its calls
 * in one ordered list. Our order differs from the book's where CC-D5 says it must: the purchase is recorded
 * pending before any payment, and settled after it.
 */
function world(
  options: {
    discount?: number | Error;
    charge?: Error;
    store?: Error;
    /** The CoffeeBux card's free drinks (the book's FreeDrinksAvailable). */
    freeDrinks?: number;
    coffeeBux?: Error;
  } = {},
) {
  const calls: string[] = [];
  const stored: PurchaseState[] = [];
  let freeDrinks = options.freeDrinks ?? 0;
  const cardService: CardChargeService = {
    async ChargeCard(amount, cardToken, purchaseId) {
      calls.push(`ChargeCard ${amount.amount} ${amount.currency} ${cardToken} key=${purchaseId}`);
      if (options.charge) throw options.charge;
      return { chargeId: 'ch_1' };
    },
  };
  const repository: Repository = {
    async Store(purchase) {
      calls.push(`Store ${purchase.status}`);
      if (options.store) throw options.store;
      stored.push(purchase.state());
    },
  };
  const storeService: StoreService = {
    async GetStoreSpecificDiscount(storeID) {
      calls.push(`GetStoreSpecificDiscount ${storeID}`);
      if (options.discount instanceof Error) throw options.discount;
      if (options.discount === undefined) throw new ErrNoDiscount();
      return options.discount;
    },
  };
  const coffeeBux: CoffeeBuxService = {
    async Pay(purchase) {
      const need = purchase.ProductsToPurchase.length;
      calls.push(`Pay ${need}`);
      if (options.coffeeBux) throw options.coffeeBux;
      // CC-D2: the book's message, with its arguments the right way round.
      if (freeDrinks < need) {
        throw new CoffeeBuxRefused(
          `not enough coffeeBux to cover entire purchase. Have ${freeDrinks}, need ${need}`,
        );
      }
      freeDrinks -= need;
    },
  };
  const service = new Service(cardService, repository, storeService, coffeeBux, () => NOW);
  return { service, calls, stored, freeDrinks: () => freeDrinks };
}

const purchase = (
  products: readonly Product[],
  PaymentMeans: Means = MEANS_CARD,
  extra: { CardToken?: string; coffeeLoverId?: string } = { CardToken: 'tok_visa' },
) =>
  Purchase.create({
    id: crypto.randomUUID(),
    storeId: STORE,
    ProductsToPurchase: products,
    PaymentMeans,
    ...extra,
  });

describe('Service.CompletePurchase (spec A.11)', () => {
  it('CC-1: a card purchase of [item1 3300 USD], no store discount: one charge of 3300, recorded pending first, then completed', async () => {
    const { service, calls, stored } = world();
    const bought = purchase([item1]);
    await service.CompletePurchase(STORE, bought);
    expect(calls).toEqual([
      `GetStoreSpecificDiscount ${STORE}`,
      'Store pending',
      `ChargeCard 3300 USD tok_visa key=${bought.id}`,
      'Store completed',
    ]);
    expect(stored.map((state) => [state.status, state.total.amount])).toEqual([
      ['pending', 3300],
      ['completed', 3300],
    ]);
    expect(stored[1]).toMatchObject({ chargeId: 'ch_1', completedAt: NOW, timeOfPurchase: NOW });
  });

  it('CC-2: no products is refused with the book’s message; nothing charged, nothing stored', async () => {
    const { service, calls } = world();
    await expect(service.CompletePurchase(STORE, purchase([]))).rejects.toMatchObject({
      kind: 'invalid_argument',
      message: 'purchase must consist of at least one product',
      field: 'items',
    });
    expect(calls).toEqual([]);
  });

  it('CC-3: products whose prices are all 0 are refused as a likely mistake', async () => {
    const { service, calls } = world();
    const free = [product('water', Money.zero(USD)), product('napkin', Money.zero(USD))];
    await expect(service.CompletePurchase(STORE, purchase(free))).rejects.toMatchObject({
      message: 'likely mistake; purchase should never be 0. Please validate',
      code: 'zero_total',
    });
    expect(calls).toEqual([]);
  });

  it('CC-4: a 10% store discount on 3300 charges 2970 (CC-D1: × (100 − d) / 100, not the book’s 297,000)', async () => {
    const { service, calls, stored } = world({ discount: 10 });
    const bought = purchase([item1]);
    await service.CompletePurchase(STORE, bought);
    expect(calls).toContain(`ChargeCard 2970 USD tok_visa key=${bought.id}`);
    expect(stored.at(-1)?.total).toEqual(Money.of(2970, USD));
  });

  it('CC-4 (rounding): the discounted total is rounded half-up to the cent', () => {
    expect(Money.of(5, USD).percentOff(10).amount).toBe(5); // 4.5 → 5
    expect(Money.of(4, USD).percentOff(10).amount).toBe(4); // 3.6 → 4
    expect(Money.of(14, USD).percentOff(10).amount).toBe(13); // 12.6 → 13
    expect(Money.of(3300, USD).percentOff(0).amount).toBe(3300);
    expect(Money.of(3300, USD).percentOff(100).amount).toBe(0);
    expect(() => Money.of(3300, USD).percentOff(101)).toThrow('a discount is a whole percent from 0 to 100');
  });

  it('CC-5: a discount lookup failing otherwise than ErrNoDiscount fails the purchase; no charge, nothing stored', async () => {
    const { service, calls } = world({ discount: new Error('store service down') });
    await expect(service.CompletePurchase(STORE, purchase([item1]))).rejects.toThrow(
      'failed to get discount: store service down',
    );
    expect(calls).toEqual([`GetStoreSpecificDiscount ${STORE}`]);
  });

  it('CC-6: a declined card fails the purchase with the book’s message and the decline’s code; nothing completed', async () => {
    const { service, calls, stored } = world({
      charge: new CardDeclined('card_declined', 'Your card was declined.'),
    });
    const error = await service.CompletePurchase(STORE, purchase([item1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentFailed);
    expect(error).toMatchObject({
      message: 'card charge failed, cancelling purchase',
      code: 'card_declined',
    });
    expect(calls.at(-1)).toBe('Store failed');
    expect(stored.map((state) => state.status)).toEqual(['pending', 'failed']);
    expect(stored[1]?.failure).toEqual({
      code: 'card_declined',
      reason: 'card charge failed, cancelling purchase',
    });
  });

  it('CC-6 (ours): a charge whose outcome is unknown (a timeout) leaves the purchase pending, neither completed nor failed', async () => {
    const { service, calls, stored } = world({ charge: new Error('timeout') });
    const error = await service.CompletePurchase(STORE, purchase([item1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentPending);
    expect(calls.filter((call) => call.startsWith('Store'))).toEqual(['Store pending']);
    expect(stored.map((state) => state.status)).toEqual(['pending']);
  });

  it('CC-7: CoffeeBux with 2 free drinks pays for 2 products: none left, the purchase completed at no charge', async () => {
    const { service, calls, stored, freeDrinks } = world({ freeDrinks: 2 });
    await service.CompletePurchase(
      STORE,
      purchase([item1, item1], MEANS_COFFEEBUX, { coffeeLoverId: LOVER }),
    );
    expect(freeDrinks()).toBe(0);
    expect(calls).toEqual([`GetStoreSpecificDiscount ${STORE}`, 'Store pending', 'Pay 2', 'Store completed']);
    expect(stored.at(-1)).toMatchObject({ status: 'completed', total: Money.zero(USD) });
    // The stamps are Loyalty's (CC-9): it stamps from the PurchaseCompleted this purchase publishes.
  });

  it('CC-8: CoffeeBux with 1 free drink for 2 products fails with the card’s refusal (CC-D2); nothing completed', async () => {
    const { service, stored, freeDrinks } = world({ freeDrinks: 1 });
    await expect(
      service.CompletePurchase(STORE, purchase([item1, item1], MEANS_COFFEEBUX, { coffeeLoverId: LOVER })),
    ).rejects.toMatchObject({
      message: 'failed to charge loyalty card: not enough coffeeBux to cover entire purchase. Have 1, need 2',
      code: 'coffeebux_refused',
    });
    expect(freeDrinks()).toBe(1);
    expect(stored.map((state) => state.status)).toEqual(['pending', 'failed']);
  });

  it('CC-8 (ours): Loyalty not answering leaves a CoffeeBux purchase pending', async () => {
    const { service, stored } = world({ coffeeBux: new Error('Loyalty is down') });
    const error = await service
      .CompletePurchase(STORE, purchase([item1], MEANS_COFFEEBUX, { coffeeLoverId: LOVER }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PaymentPending', means: 'coffeebux' });
    expect(stored.map((state) => state.status)).toEqual(['pending']);
  });

  it('CC-9 (the stamps are Loyalty’s: CoffeeBux.AddStamp is in the loyalty module): a completed purchase tells Loyalty each product, the means and the coffee lover', async () => {
    const { service, stored } = world();
    const bought = purchase([item1, product('Latte', Money.of(450, USD))], MEANS_CASH, {
      coffeeLoverId: LOVER,
    });
    await service.CompletePurchase(STORE, bought);
    expect(purchaseCompleted(stored.at(-1)!)).toEqual({
      type: 'coffeeshops.PurchaseCompleted',
      data: {
        purchaseId: bought.id,
        storeId: STORE,
        coffeeLoverId: LOVER,
        means: 'cash',
        products: [
          { itemName: 'item1', basePrice: { amount: 3300, currency: 'USD' } },
          { itemName: 'Latte', basePrice: { amount: 450, currency: 'USD' } },
        ],
        total: { amount: 3750, currency: 'USD' },
        completedAt: NOW.toISOString(),
      },
    });
  });

  it('CC-10: an unknown means is refused with "unknown payment type", before anything is stored', async () => {
    const { service, calls } = world();
    await expect(
      service.CompletePurchase(STORE, purchase([item1], 'bitcoin' as Means)),
    ).rejects.toMatchObject({
      message: 'unknown payment type',
      code: 'unknown_payment_type',
      field: 'means',
    });
    expect(calls).toEqual([]);
  });

  it('CC-11 (adapted): the store failing fails the purchase with "failed to Store purchase", and in our order that is before any charge: nothing is charged', async () => {
    const { service, calls } = world({ store: new Error('database down') });
    await expect(service.CompletePurchase(STORE, purchase([item1]))).rejects.toThrow(
      'failed to Store purchase',
    );
    expect(calls).toEqual([`GetStoreSpecificDiscount ${STORE}`, 'Store pending']);
    expect(calls.some((call) => call.startsWith('ChargeCard'))).toBe(false);
  });

  it('CC-12: cash is recorded and completed without any charge', async () => {
    const { service, calls, stored } = world();
    await service.CompletePurchase(STORE, purchase([item1], MEANS_CASH, {}));
    expect(calls.some((call) => call.startsWith('ChargeCard'))).toBe(false);
    expect(stored.map((state) => state.status)).toEqual(['pending', 'completed']);
  });

  it('CC-D3: a card without a token, or CoffeeBux without a coffee lover, is refused clearly before anything else', async () => {
    const { service, calls } = world();
    await expect(service.CompletePurchase(STORE, purchase([item1], MEANS_CARD, {}))).rejects.toMatchObject({
      message: 'a card payment needs a card token',
      field: 'cardToken',
    });
    await expect(
      service.CompletePurchase(STORE, purchase([item1], MEANS_COFFEEBUX, {})),
    ).rejects.toMatchObject({
      message: 'a CoffeeBux payment needs the coffee lover whose card pays',
      field: 'coffeeLoverId',
    });
    expect(calls).toEqual([]);
  });

  it('ResumePurchase pays a pending purchase again with the same idempotency key, and leaves a settled one alone', async () => {
    const first = world({ charge: new Error('timeout') });
    const bought = purchase([item1]);
    await expect(first.service.CompletePurchase(STORE, bought)).rejects.toBeInstanceOf(PaymentPending);
    const pending = Purchase.restore(first.stored[0]!);

    const second = world();
    await second.service.ResumePurchase(pending);
    expect(second.calls).toEqual([`ChargeCard 3300 USD tok_visa key=${bought.id}`, 'Store completed']);
    await second.service.ResumePurchase(pending);
    expect(second.calls).toHaveLength(2);
  });
});

describe('the Purchase aggregate', () => {
  it('is settled once: neither completed nor failed again', () => {
    const bought = purchase([item1], MEANS_CASH, {});
    bought.validateAndEnrich(NOW);
    bought.complete(NOW);
    expect(() => bought.complete(NOW)).toThrow('cannot complete a purchase that is completed');
    expect(() => bought.fail({ code: 'x', reason: 'y' })).toThrow('cannot fail a purchase that is completed');
    expect(() => bought.applyStoreDiscount(10)).toThrow('cannot discount a purchase that is completed');
  });

  it('is never kept before it is validated, and a card purchase never completes without its charge', () => {
    const bought = purchase([item1]);
    expect(() => bought.state()).toThrow('the purchase was not validated yet');
    bought.validateAndEnrich(NOW);
    expect(() => bought.complete(NOW)).toThrow('a card purchase completes with its charge');
  });

  it('knows the same request again: same store, items in order, means, token and coffee lover', () => {
    const bought = purchase([item1, product('Latte', Money.of(450, USD))]);
    const same = {
      id: bought.id,
      storeId: STORE,
      itemNames: ['item1', 'Latte'],
      PaymentMeans: MEANS_CARD,
      CardToken: 'tok_visa',
    };
    expect(bought.isSameRequestAs(same)).toBe(true);
    expect(bought.isSameRequestAs({ ...same, itemNames: ['Latte', 'item1'] })).toBe(false);
    expect(bought.isSameRequestAs({ ...same, CardToken: 'tok_mastercard' })).toBe(false);
    expect(bought.isSameRequestAs({ ...same, coffeeLoverId: LOVER })).toBe(false);
  });
});

describe('Money (a value object)', () => {
  it('is compared by value, frozen, and never adds two currencies', () => {
    expect(Money.of(100, USD).equals(Money.of(100, USD))).toBe(true);
    expect(Money.of(100, USD).equals(Money.of(100, 'EUR'))).toBe(false);
    expect(Object.isFrozen(Money.of(1, USD))).toBe(true);
    expect(() => Money.of(1, USD).add(Money.of(1, 'EUR'))).toThrow('cannot add EUR to USD');
    expect(Money.of(3300, USD).add(Money.of(450, USD))).toEqual(Money.of(3750, USD));
    expect(String(Money.of(2970, USD))).toBe('USD 29.70');
  });

  it('is whole cents, never a float nor negative', () => {
    expect(() => Money.of(0.5, USD)).toThrow();
    expect(() => Money.of(-1, USD)).toThrow();
    expect(() => Money.of(1, 'usd')).toThrow();
  });
});
