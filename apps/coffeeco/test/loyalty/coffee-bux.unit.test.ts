import { fold } from '@tessera/platform/ddd';
import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as CoffeeBux from '../../src/loyalty/domain/coffee-bux.js';

const spec = aggregateSpec(CoffeeBux.aggregate);
const LOVER = 'coffee-lover-1';
const STORE = '5b0a8a2e-3c1f-4d5e-9f60-7a8b9c0d1e2f';
const issued = CoffeeBux.issue(LOVER, STORE)[0]!;
const stamp = (purchaseId: string): CoffeeBux.Event => ({ type: 'loyalty.StampAdded', data: { purchaseId } });
const earned = (purchaseId: string): CoffeeBux.Event => ({
  type: 'loyalty.FreeDrinkEarned',
  data: { purchaseId },
});
/** A card with `free` free drinks and `toGo` drinks to go, as its events would leave it. */
const card = (free: number, toGo: number): CoffeeBux.Card => ({
  status: 'issued',
  coffeeLoverId: LOVER,
  storeId: STORE,
  freeDrinksAvailable: free,
  remainingDrinkPurchasesUntilFreeDrink: toGo,
});
const after = (state: CoffeeBux.State, events: readonly CoffeeBux.Event[]) =>
  fold(CoffeeBux.aggregate, events, state);
const bought = (drinks: number, paidWith: CoffeeBux.PaidWith = 'money', purchaseId = 'p-1') => ({
  purchaseId,
  coffeeLoverId: LOVER,
  storeId: STORE,
  drinks,
  paidWith,
});

describe('CoffeeBux, the loyalty card', () => {
  it('is issued to a coffee lover at a store with ten drinks to go and no free drink (the book never set them)', () => {
    const state = spec
      .given()
      .when(() => CoffeeBux.issue(LOVER, STORE))
      .thenEvents(issued);
    expect(state).toEqual(card(0, 10));
    expect(() => CoffeeBux.issue('', STORE)).toThrow(expect.objectContaining({ field: 'coffeeLoverId' }));
    expect(() => CoffeeBux.issue(LOVER, ' ')).toThrow(expect.objectContaining({ field: 'storeId' }));
  });

  describe('CC-9: AddStamp', () => {
    it('CC-9: at one drink to go, the card goes back to ten and earns a free drink', () => {
      const events = CoffeeBux.AddStamp(card(0, 1), 'p-10');
      expect(events).toEqual([stamp('p-10'), earned('p-10')]);
      expect(after(card(0, 1), events)).toEqual(card(1, 10));
    });

    it('CC-9: at five to go, one stamp leaves four', () => {
      const events = CoffeeBux.AddStamp(card(2, 5), 'p-6');
      expect(events).toEqual([stamp('p-6')]);
      expect(after(card(2, 5), events)).toEqual(card(2, 4));
    });

    it('CC-9: a new card earns its first free drink at the tenth stamp, not before', () => {
      let state: CoffeeBux.State = after({ status: 'none' }, [issued]);
      for (let n = 1; n <= 9; n++)
        state = after(state, CoffeeBux.AddStamp(state as CoffeeBux.Card, `p-${n}`));
      expect(state).toEqual(card(0, 1));
      state = after(state, CoffeeBux.AddStamp(state as CoffeeBux.Card, 'p-10'));
      expect(state).toEqual(card(1, 10));
    });
  });

  describe('CC-7 and CC-8: Pay', () => {
    it('CC-7: two free drinks pay for two drinks, leaving none, and earn no stamp (CC-D4)', () => {
      const state = spec
        .given(issued, stamp('p-10'), earned('p-10'), stamp('p-20'), earned('p-20'))
        .when((current) => CoffeeBux.Pay(current, 2, 'free-1'))
        .thenEvents({ type: 'loyalty.FreeDrinksRedeemed', data: { purchaseId: 'free-1', drinks: 2 } });
      expect(state).toEqual(card(0, 10));
      // The book stamps a purchase paid with CoffeeBux too; here its drinks earn nothing.
      expect(CoffeeBux.stampPurchase(state, bought(2, 'coffeebux', 'free-1'))).toEqual([]);
    });

    it('CC-8: one free drink does not pay for two: refused with what the card has and what was asked (CC-D2)', () => {
      spec
        .given(issued, stamp('p'), earned('p'))
        .when((current) => CoffeeBux.Pay(current, 2, 'free-2'))
        .thenFails({
          kind: 'failed_precondition',
          code: 'not_enough_coffeebux',
          message: 'not enough coffeeBux to cover entire purchase. Have 1, need 2',
        });
    });

    it('refuses nothing to buy, a count that is not one, and a card not issued yet', () => {
      const given = spec.given(issued, stamp('p'), earned('p'));
      given
        .when((current) => CoffeeBux.Pay(current, 0, 'x'))
        .thenFails({ code: 'nothing_to_buy', message: 'nothing to buy' });
      for (const drinks of [-1, 1.5, Number.NaN]) {
        given
          .when((current) => CoffeeBux.Pay(current, drinks, 'x'))
          .thenFails({ code: 'drinks_not_a_count' });
      }
      spec
        .given()
        .when((current) => CoffeeBux.Pay(current, 1, 'x'))
        .thenFails({ code: 'no_coffeebux_card' });
    });
  });

  describe('stamps of a completed purchase (CC-D4)', () => {
    it('issues the card at the first stamp and stamps one per drink bought with money', () => {
      const events = CoffeeBux.stampPurchase({ status: 'none' }, bought(3));
      expect(events).toEqual([issued, stamp('p-1'), stamp('p-1'), stamp('p-1')]);
      expect(after({ status: 'none' }, events)).toEqual(card(0, 7));
    });

    it('earns the free drink in the middle of a purchase and carries the rest of its stamps over', () => {
      const events = CoffeeBux.stampPurchase(card(0, 2), bought(3, 'money', 'p-9'));
      expect(events).toEqual([stamp('p-9'), stamp('p-9'), earned('p-9'), stamp('p-9')]);
      expect(after(card(0, 2), events)).toEqual(card(1, 9));
    });

    it('stamps nothing, and issues no card, for drinks paid with free drinks', () => {
      expect(CoffeeBux.stampsEarned({ drinks: 4, paidWith: 'coffeebux' })).toBe(0);
      expect(CoffeeBux.stampPurchase({ status: 'none' }, bought(2, 'coffeebux'))).toEqual([]);
    });
  });

  it('answers the balance of a card not issued yet as a new card’s', () => {
    expect(CoffeeBux.balanceOf({ status: 'none' })).toEqual({ freeDrinksAvailable: 0, drinksToGo: 10 });
    expect(CoffeeBux.balanceOf(card(3, 4))).toEqual({ freeDrinksAvailable: 3, drinksToGo: 4 });
  });
});

describe('the ids a card is told', () => {
  it('refuses an id longer than 200 characters or holding what storage cannot hold, naming it', () => {
    for (const bad of ['x'.repeat(201), 'lover\u0000', 'lover\ud800']) {
      expect(() => CoffeeBux.issue(bad, STORE)).toThrow(
        expect.objectContaining({ code: 'malformed_id', field: 'coffeeLoverId' }),
      );
      expect(() => CoffeeBux.issue(LOVER, bad)).toThrow(
        expect.objectContaining({ code: 'malformed_id', field: 'storeId' }),
      );
    }
    expect(CoffeeBux.issue('x'.repeat(200), 'lover \u{1F600}')).toHaveLength(1);
  });
});
