import { randomUUID } from 'node:crypto';
import { type EventStream, openEventStream, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardIdFor } from '../../src/loyalty/module.js';
import { type CardDto, type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from './support/host.js';

const barista = { subject: 'barista-1', roles: ['barista'] };
const loverOf = (subject: string) => ({ subject, roles: ['coffee-lover'] });
const cardOf = (event: { json<T>(): T }) => event.json<CardDto>();

/**
 * A till follows its customer's card while it sells (Loyalty stamps it when the shops' PurchaseCompleted
 * arrives, after the purchase's answer): each change pushed once, in order, resumable after a drop.
 */
describe.each(testDatabases)('a CoffeeBux card followed live, on $backend', (backend) => {
  let api: LoyaltyHost;
  const streams: EventStream[] = [];
  beforeAll(async () => {
    api = await startLoyaltyHost(backend, 'embedded', { liveHeartbeatMs: 200 });
  }, 120_000);
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
  });
  afterAll(() => api?.close());

  const follow = async (
    query: string,
    who: { subject: string; roles: string[] } | 'anonymous' = barista,
    headers: Record<string, string> = {},
  ) => {
    const authorization: Record<string, string> =
      who === 'anonymous' ? {} : { authorization: `Bearer ${await api.tokenFor(who)}` };
    const stream = await openEventStream(`${api.host.url}/api/loyalty/cards/live?${query}`, {
      headers: { ...authorization, ...headers },
    });
    streams.push(stream);
    return stream;
  };
  const newCustomer = () => ({ coffeeLoverId: `lover-${randomUUID().slice(0, 8)}`, storeId: randomUUID() });

  it('sends nothing for a card not issued yet, then the card as each purchase leaves it, in order', async () => {
    const who = newCustomer();
    const stream = await follow(`coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`);
    expect(stream.status, stream.body).toBe(200);
    await stream.nextComment();
    expect(stream.events).toEqual([]);

    await api.deliver(purchaseCompleted({ ...who, drinks: 1 }));
    const [first] = await stream.until((events) => events.length === 1);
    expect(first!.event).toBe('card');
    expect(cardOf(first!)).toMatchObject({
      cardId: cardIdFor(who.coffeeLoverId, who.storeId),
      freeDrinksAvailable: 0,
      drinksToGo: 9,
    });

    // The tenth drink earns a free drink: the card shows it, back at ten to go.
    await api.deliver(purchaseCompleted({ ...who, drinks: 9 }));
    const events = await stream.until((received) => received.length === 2);
    expect(cardOf(events[1]!)).toMatchObject({ freeDrinksAvailable: 1, drinksToGo: 10 });
    const ids = events.map((event) => Number(event.id));
    expect(ids[1]).toBeGreaterThan(ids[0]!);

    // Another coffee lover's card, or this one's at another store, is not this stream's.
    await api.deliver(purchaseCompleted({ ...newCustomer(), drinks: 1 }));
    await api.deliver(purchaseCompleted({ coffeeLoverId: who.coffeeLoverId, storeId: randomUUID() }));
    await stream.nextComment();
    expect(stream.events).toHaveLength(2);
  });

  it('starts with the card as it is now, and resumes after a drop with its last id: the latest once', async () => {
    const who = newCustomer();
    await api.deliver(purchaseCompleted({ ...who, drinks: 3 }));
    const first = await follow(`coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`);
    const [now] = await first.until((events) => events.length === 1);
    expect(cardOf(now!)).toMatchObject({ drinksToGo: 7 });
    await first.close();

    // Away: two purchases.
    await api.deliver(purchaseCompleted({ ...who, drinks: 2 }));
    await api.deliver(purchaseCompleted({ ...who, drinks: 1 }));
    const again = await follow(`coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`, barista, {
      'last-event-id': first.lastEventId!,
    });
    const [latest] = await again.until((events) => events.length === 1);
    expect(cardOf(latest!)).toMatchObject({ drinksToGo: 4 });
    await again.nextComment();
    expect(again.events).toHaveLength(1);

    // From the latest id, nothing until the card changes.
    const caughtUp = await follow(
      `coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}&lastEventId=${again.lastEventId}`,
    );
    await caughtUp.nextComment();
    expect(caughtUp.events).toEqual([]);
  });

  it("lets a coffee lover follow their own card (naming themselves or not), not another's; staff say whose", async () => {
    const who = newCustomer();
    await api.deliver(purchaseCompleted({ ...who, drinks: 2 }));
    for (const query of [
      `storeId=${who.storeId}`,
      `coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`,
    ]) {
      const own = await follow(query, loverOf(who.coffeeLoverId));
      const [card] = await own.until((events) => events.length === 1);
      expect(cardOf(card!)).toMatchObject({ coffeeLoverId: who.coffeeLoverId, drinksToGo: 8 });
    }
    const stranger = await follow(
      `coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`,
      loverOf('someone-else'),
    );
    expect(stranger.status).toBe(403);
    expect(JSON.parse(stranger.body!)).toMatchObject({ code: 'not_yours' });
    const nobody = await follow(`coffeeLoverId=${who.coffeeLoverId}&storeId=${who.storeId}`, 'anonymous');
    expect(nobody.status).toBe(401);
    const unsaid = await follow(`storeId=${who.storeId}`);
    expect(unsaid.status).toBe(400);
    expect(JSON.parse(unsaid.body!)).toMatchObject({ code: 'coffee_lover_missing' });
    const noStore = await follow(`coffeeLoverId=${who.coffeeLoverId}`);
    expect(noStore.status).toBe(400);
    expect(JSON.stringify(JSON.parse(noStore.body!).errors)).toContain('querystring.storeId');
  });
});
