import { randomUUID } from 'node:crypto';
import { eventually, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOYALTY_PURCHASES_GROUP } from '../../src/loyalty/adapters/messaging/purchases.js';
import { cardIdFor } from '../../src/loyalty/module.js';
import { type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from './support/host.js';

interface HistoryDto {
  history: Array<{ sequence: number; kind: string; purchaseId?: string; drinks?: number; at: string }>;
  next?: string;
}

describe.each(testSetups)(
  'Loyalty stamps CoffeeBux cards from completed purchases, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: LoyaltyHost;
    beforeAll(async () => {
      api = await startLoyaltyHost(backend, broker);
    });
    afterAll(() => api?.close());

    const someone = () => ({ coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() });
    const historyOf = async (who: { coffeeLoverId: string; storeId: string }) => {
      const cardId = cardIdFor(who.coffeeLoverId, who.storeId);
      const response = await api.call('GET', `/api/loyalty/cards/${cardId}/history?limit=100`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<HistoryDto>().history;
    };
    const stampedRows = async (purchaseId: string) =>
      (
        await api.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM coffeeco_loyalty.stamped_purchases WHERE purchase_id = $1',
          [purchaseId],
        )
      ).rows[0]!.n;

    it('issues the card at the first purchase and stamps one per drink bought by card or cash', async () => {
      const who = someone();
      const first = purchaseCompleted({ ...who, drinks: 3 });
      await api.deliver(first);
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
        cardId: cardIdFor(who.coffeeLoverId, who.storeId),
        ...who,
        freeDrinksAvailable: 0,
        drinksToGo: 7,
      });
      const cash = purchaseCompleted({ ...who, drinks: 2, means: 'cash' });
      await api.deliver(cash);
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ drinksToGo: 5 });
      const history = await historyOf(who);
      expect(history.map((entry) => [entry.sequence, entry.kind, entry.purchaseId])).toEqual([
        [6, 'stamp', cash.data.purchaseId],
        [5, 'stamp', cash.data.purchaseId],
        [4, 'stamp', first.data.purchaseId],
        [3, 'stamp', first.data.purchaseId],
        [2, 'stamp', first.data.purchaseId],
        [1, 'issued', undefined],
      ]);
    });

    it('earns a free drink with the tenth drink, and starts again at ten to go', async () => {
      const who = someone();
      await api.deliver(purchaseCompleted({ ...who, drinks: 9 }));
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
        freeDrinksAvailable: 0,
        drinksToGo: 1,
      });
      const tenth = purchaseCompleted({ ...who, drinks: 2 });
      await api.deliver(tenth);
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
        freeDrinksAvailable: 1,
        drinksToGo: 9,
      });
      expect((await historyOf(who)).slice(0, 3).map((entry) => entry.kind)).toEqual([
        'stamp',
        'free-drink-earned',
        'stamp',
      ]);
    });

    it('stamps nothing for drinks paid with CoffeeBux, nor for a purchase of nobody known', async () => {
      const who = someone();
      await api.deliver(
        purchaseCompleted({ ...who, drinks: 2, means: 'coffeebux', total: { amount: 0, currency: 'USD' } }),
      );
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toBeUndefined();
      await api.deliver(purchaseCompleted({ ...who, drinks: 1 }));
      const anonymous = purchaseCompleted({ storeId: who.storeId, coffeeLoverId: undefined, drinks: 4 });
      const { coffeeLoverId: _none, ...withoutLover } = anonymous.data;
      await api.deliver({ ...anonymous, data: withoutLover });
      await api.deliver(purchaseCompleted({ ...who, drinks: 3, means: 'coffeebux' }));
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ drinksToGo: 9 });
      expect(await stampedRows(anonymous.data.purchaseId)).toBe(0);
    });

    it('stamps a purchase once when its message is delivered again', async () => {
      const who = someone();
      const message = purchaseCompleted({ ...who, drinks: 2 });
      await api.deliver(message);
      await api.host.broker.publish([message]);
      // Keyed alike, so handled after the message sent again: once this is in, that one was too.
      await api.deliver(purchaseCompleted({ ...who, drinks: 1 }, { key: message.key }));
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ drinksToGo: 7 });
    });

    it('stamps a purchase once when it is announced again under other message ids, one after the other', async () => {
      const who = someone();
      const message = purchaseCompleted({ ...who, drinks: 2 });
      await api.deliver(message);
      await api.deliver({ ...message, id: randomUUID() }, { ...message, id: randomUUID() });
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ drinksToGo: 8 });
      expect(await historyOf(who)).toHaveLength(3);
      expect(await stampedRows(message.data.purchaseId)).toBe(1);
    });

    it('stamps a purchase once when copies of it are handled at once', async () => {
      const who = someone();
      const message = purchaseCompleted({ ...who, drinks: 3 });
      // Other ids and other keys: the broker hands them to handlers running at the same time.
      const copies = Array.from({ length: 4 }, () => ({ ...message, id: randomUUID(), key: randomUUID() }));
      await api.deliver(message, ...copies);
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({ drinksToGo: 7 });
      expect(await historyOf(who)).toHaveLength(4);
      expect(await stampedRows(message.data.purchaseId)).toBe(1);
    });

    it('stamps every one of a coffee lover’s purchases handled at once, none lost to the race for the card', async () => {
      const who = someone();
      const purchases = Array.from({ length: 6 }, () => purchaseCompleted({ ...who, drinks: 2 }));
      await api.deliver(...purchases);
      expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
        freeDrinksAvailable: 1,
        drinksToGo: 8,
      });
      expect(await historyOf(who)).toHaveLength(1 + 12 + 1);
    });

    it('sends a purchase whose coffee lover id the card cannot keep to the dead letters at once, stamping nothing', async () => {
      const who = { coffeeLoverId: `lover-${'x'.repeat(200)}`, storeId: randomUUID() };
      const message = purchaseCompleted({ ...who, drinks: 2 });
      await api.host.broker.publish([message]);
      const [dead] = await eventually(
        'the purchase is a dead letter',
        async () =>
          (await api.host.broker.deadLetters.list(LOYALTY_PURCHASES_GROUP)).filter(
            (letter) => letter.messageId === message.id,
          ),
        (letters) => letters.length === 1,
      );
      expect(dead!.reason).toMatch(/data\.coffeeLoverId/);
      expect(dead!.attempts).toBeLessThanOrEqual(1);
      expect(await stampedRows(message.data.purchaseId)).toBe(0);
    });
  },
);
