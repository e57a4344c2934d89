import { randomUUID } from 'node:crypto';
import { isDomainError } from '@tessera/platform/ddd';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreeDrinksRedemption } from '../../src/loyalty/contract/free-drinks.js';
import { type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from './support/host.js';

async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

// The FreeDrinksService as the coffee shops of this process find it (freeDrinksServiceFor: in process).
describe.each(testDatabases)('The FreeDrinksService of Loyalty, in process, on $backend', (backend) => {
  let api: LoyaltyHost;
  beforeAll(async () => {
    api = await startLoyaltyHost(backend);
  });
  afterAll(() => api?.close());

  /** A coffee lover whose card at a store holds `free` free drinks (ten drinks bought for each). */
  const holderOf = async (free: number) => {
    const who = { coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() };
    await api.deliver(purchaseCompleted({ ...who, drinks: 10 * free + 1 }));
    return who;
  };
  const redemption = (who: { coffeeLoverId: string; storeId: string }, drinks: number) => ({
    purchaseId: randomUUID(),
    ...who,
    drinks,
  });
  const redemptionEntries = async (who: { coffeeLoverId: string; storeId: string }) => {
    const card = await api.cardOf(who.coffeeLoverId, who.storeId);
    const response = await api.call('GET', `/api/loyalty/cards/${card!.cardId}/history?limit=100`);
    return response
      .json<{ history: Array<{ kind: string; purchaseId?: string; drinks?: number }> }>()
      .history.filter((entry) => entry.kind === 'free-drinks-redeemed');
  };

  it('pays for drinks with free drinks, and answers the same when asked again for the purchase, taking nothing twice', async () => {
    const who = await holderOf(3);
    const asked = redemption(who, 2);
    expect(await api.freeDrinks.redeem(asked)).toEqual({ redeemed: true, freeDrinksLeft: 1 });
    expect(await api.freeDrinks.redeem(asked)).toEqual({ redeemed: true, freeDrinksLeft: 1 });
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
      freeDrinksAvailable: 1,
      drinksToGo: 9,
    });
    expect(await redemptionEntries(who)).toEqual([
      {
        kind: 'free-drinks-redeemed',
        purchaseId: asked.purchaseId,
        drinks: 2,
        sequence: expect.any(Number),
        at: expect.any(String),
      },
    ]);
  });

  it('refuses more drinks than the card holds, saying what it has and what was asked, and refuses the purchase again the same', async () => {
    const who = await holderOf(1);
    const asked = redemption(who, 2);
    const refusal = {
      redeemed: false,
      reason: 'not enough coffeeBux to cover entire purchase. Have 1, need 2',
      freeDrinksAvailable: 1,
    };
    expect(await api.freeDrinks.redeem(asked)).toEqual(refusal);
    // The card earns another free drink; the refused purchase stays refused (a new purchase may ask again).
    await api.deliver(purchaseCompleted({ ...who, drinks: 10 }));
    expect(await api.freeDrinks.redeem(asked)).toEqual(refusal);
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ freeDrinksAvailable: 2 });
    expect(await api.freeDrinks.redeem(redemption(who, 2))).toEqual({ redeemed: true, freeDrinksLeft: 0 });
  });

  it('refuses a coffee lover with no card at that store, and issues none', async () => {
    const who = { coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() };
    expect(await api.freeDrinks.redeem(redemption(who, 1))).toEqual({
      redeemed: false,
      reason: 'no CoffeeBux card at this store: its first drink earns one',
      freeDrinksAvailable: 0,
    });
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toBeUndefined();
  });

  it('takes once for a purchase asked twice at the same time', async () => {
    const who = await holderOf(2);
    const asked = redemption(who, 1);
    const answers = await Promise.all([api.freeDrinks.redeem(asked), api.freeDrinks.redeem(asked)]);
    expect(answers).toEqual([
      { redeemed: true, freeDrinksLeft: 1 },
      { redeemed: true, freeDrinksLeft: 1 },
    ]);
    expect(await redemptionEntries(who)).toHaveLength(1);
  });

  it('never gives more free drinks than the card holds to purchases asking at the same time', async () => {
    const who = await holderOf(2);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => api.freeDrinks.redeem(redemption(who, 1))),
    );
    expect(answers.filter((answer) => answer.redeemed)).toHaveLength(2);
    expect(answers.filter((answer) => !answer.redeemed)).toHaveLength(2);
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ freeDrinksAvailable: 0 });
  });

  it('refuses the same purchase asked for other drinks, another coffee lover or another store, naming the purchase', async () => {
    const who = await holderOf(2);
    const asked = redemption(who, 1);
    await api.freeDrinks.redeem(asked);
    for (const other of [{ drinks: 2 }, { coffeeLoverId: 'someone-else' }, { storeId: randomUUID() }]) {
      const error = await failure(api.freeDrinks.redeem({ ...asked, ...other }));
      expect(isDomainError(error) && [error.kind, error.code, error.field]).toEqual([
        'already_exists',
        'purchase_redeemed_otherwise',
        'purchaseId',
      ]);
    }
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ freeDrinksAvailable: 1 });
  });

  it('refuses bad input naming the field, taking nothing and recording nothing', async () => {
    const who = await holderOf(3);
    const cases: Array<[Partial<FreeDrinksRedemption>, string, string]> = [
      [{ drinks: 0 }, 'drinks', 'nothing_to_buy'],
      [{ drinks: -1 }, 'drinks', 'drinks_not_a_count'],
      [{ drinks: 1.5 }, 'drinks', 'drinks_not_a_count'],
      [{ coffeeLoverId: ' ' }, 'coffeeLoverId', 'coffee_lover_missing'],
      [{ storeId: '' }, 'storeId', 'store_missing'],
      [{ purchaseId: '' }, 'purchaseId', 'purchase_missing'],
      [{ purchaseId: 'p'.repeat(201) }, 'purchaseId', 'malformed_id'],
      [{ coffeeLoverId: 'lover\u0000' }, 'coffeeLoverId', 'malformed_id'],
    ];
    for (const [bad, field, code] of cases) {
      const asked = { ...redemption(who, 1), ...bad };
      const error = await failure(api.freeDrinks.redeem(asked));
      expect(isDomainError(error) && [error.kind, error.field, error.code], field).toEqual([
        'invalid_argument',
        field,
        code,
      ]);
      if (field === 'drinks') {
        // Nothing was recorded for the purchase: asked rightly, it redeems (one free drink for each).
        expect(await api.freeDrinks.redeem({ ...asked, drinks: 1 })).toMatchObject({ redeemed: true });
      }
    }
  });
});
