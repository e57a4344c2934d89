import { randomUUID } from 'node:crypto';
import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectPagedList,
  expectProblem,
  pgliteTestDatabase,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardIdFor, loyaltyModule } from '../../src/loyalty/module.js';
import { type CardDto, type LoyaltyHost, purchaseCompleted, startLoyaltyHost } from './support/host.js';

const loverOf = (subject: string) => ({ subject, roles: ['coffee-lover'] });
const barista = { subject: 'barista-1', roles: ['barista'] };
const storeManager = { subject: 'manager-1', roles: ['store-manager'] };

describe("Loyalty's routes, on pglite", () => {
  let api: LoyaltyHost;
  const lover = `lover-${randomUUID().slice(0, 8)}`;
  const stores = [randomUUID(), randomUUID()];
  let card: CardDto;
  beforeAll(async () => {
    api = await startLoyaltyHost(pgliteTestDatabase);
    await api.deliver(purchaseCompleted({ coffeeLoverId: lover, storeId: stores[0]!, drinks: 12 }));
    await api.deliver(purchaseCompleted({ coffeeLoverId: lover, storeId: stores[1]!, drinks: 1 }));
    card = (await api.cardOf(lover, stores[0]!))!;
  });
  afterAll(() => api?.close());

  const cardUrls = (one: CardDto) => [
    `/api/loyalty/cards/${one.cardId}`,
    `/api/loyalty/cards/${one.cardId}/history`,
    `/api/loyalty/cards?coffeeLoverId=${one.coffeeLoverId}`,
  ];
  const listed = async (who: Parameters<LoyaltyHost['as']>[0], url: string) => {
    const response = await api.as(who).call('GET', url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ cards: CardDto[] }>().cards;
  };

  it("answers a card's balance: free drinks available and drinks to go until the next", async () => {
    expect(card).toEqual({
      cardId: cardIdFor(lover, stores[0]!),
      coffeeLoverId: lover,
      storeId: stores[0],
      freeDrinksAvailable: 1,
      drinksToGo: 8,
      issuedAt: expect.any(String),
    });
    const upper = await api.call('GET', `/api/loyalty/cards/${card.cardId.toUpperCase()}`);
    expect(upper.json<{ card: CardDto }>().card).toEqual(card);
  });

  it("lists a coffee lover's own cards, newest first, whether they name themselves or not", async () => {
    const own = await listed(loverOf(lover), '/api/loyalty/cards');
    expect(own.map((one) => one.storeId)).toEqual([stores[1], stores[0]]);
    expect(await listed(loverOf(lover), `/api/loyalty/cards?coffeeLoverId=${lover}`)).toEqual(own);
    expect(await listed(loverOf('lover-without-cards'), '/api/loyalty/cards')).toEqual([]);
    expectProblem(
      await api.as(loverOf('someone-else')).call('GET', `/api/loyalty/cards?coffeeLoverId=${lover}`),
      403,
      {
        code: 'not_yours',
      },
    );
  });

  it("lets baristas and store managers read anyone's cards, saying whose", async () => {
    for (const staff of [barista, storeManager]) {
      for (const url of cardUrls(card)) {
        expect((await api.as(staff).call('GET', url)).statusCode, `${staff.roles[0]} ${url}`).toBe(200);
      }
      expect(await listed(staff, `/api/loyalty/cards?coffeeLoverId=${lover}`)).toHaveLength(2);
      expectProblem(await api.as(staff).call('GET', '/api/loyalty/cards'), 400, {
        code: 'coffee_lover_missing',
        field: 'coffeeLoverId',
      });
    }
  });

  it("keeps a coffee lover out of another's card, and everyone else out of every card", async () => {
    for (const url of cardUrls(card)) {
      expect((await api.as(loverOf(lover)).call('GET', url)).statusCode).toBe(200);
      expectProblem(await api.as(loverOf('someone-else')).call('GET', url), 403, { code: 'not_yours' });
      expectProblem(await api.as('anonymous').call('GET', url), 401, { code: 'unauthenticated' });
      for (const roles of [['customer'], ['service'], ['underwriter']]) {
        expectProblem(await api.as({ subject: 'x', roles }).call('GET', url), 403, { code: 'forbidden' });
      }
    }
    // Not there is not found, to anyone: an owner check never tells a card exists.
    for (const url of [`/api/loyalty/cards/${unknownId()}`, `/api/loyalty/cards/${unknownId()}/history`]) {
      expectProblem(await api.as(loverOf(lover)).call('GET', url), 404, { code: 'card_not_found' });
    }
  });

  it("pages a card's history as every list, newest first", async () => {
    const who = { coffeeLoverId: lover, storeId: randomUUID() };
    await api.deliver(purchaseCompleted({ ...who, drinks: 60 }));
    const url = `/api/loyalty/cards/${cardIdFor(who.coffeeLoverId, who.storeId)}/history`;
    const sequences = await expectPagedList(api, url, 'history', {
      atLeast: 67,
      idOf: (entry) => String(entry.sequence),
    });
    // Issued, 60 stamps and 6 free drinks earned, newest first.
    expect(sequences).toEqual(Array.from({ length: 67 }, (_, n) => String(67 - n)));
    const [newest] = (await api.call('GET', `${url}?limit=1`)).json<{ history: unknown[] }>().history;
    expect(newest).toEqual({
      sequence: 67,
      kind: 'free-drink-earned',
      purchaseId: expect.any(String),
      at: expect.any(String),
    });
    // A card past the snapshot taken every 50 events loads from it and its later events alike.
    const { rows } = await api.db.query<{ stream_version: number }>(
      'SELECT stream_version FROM coffeeco_loyalty.snapshots WHERE stream_name = $1',
      [`loyalty.CoffeeBux-${cardIdFor(who.coffeeLoverId, who.storeId)}`],
    );
    expect(rows).toEqual([{ stream_version: 67 }]);
    await api.deliver(purchaseCompleted({ ...who, drinks: 1 }));
    expect(await api.cardOf(who.coffeeLoverId, who.storeId)).toMatchObject({
      freeDrinksAvailable: 6,
      drinksToGo: 9,
    });
  });

  it("pages a coffee lover's cards as every list", async () => {
    const many = `lover-${randomUUID().slice(0, 8)}`;
    await api.deliver(...Array.from({ length: 9 }, () => purchaseCompleted({ coffeeLoverId: many })));
    const ids = await expectPagedList(api, `/api/loyalty/cards?coffeeLoverId=${many}`, 'cards', {
      atLeast: 9,
      idOf: (one) => String(one.cardId),
    });
    expect(ids).toHaveLength(9);
  });

  it('refuses a bad query, naming it', async () => {
    for (const [query, field] of [
      [`coffeeLoverId=${'x'.repeat(201)}`, 'querystring.coffeeLoverId'],
      ['coffeeLoverId=', 'querystring.coffeeLoverId'],
      ['colour=red', 'querystring'],
    ] as const) {
      const body = expectProblem(await api.call('GET', `/api/loyalty/cards?${query}`), 400, {
        code: 'invalid_request',
      });
      expect(JSON.stringify(body.errors), query).toContain(field);
    }
    expectProblem(await api.call('GET', `/api/loyalty/cards/${card.cardId}/history?colour=red`), 400, {
      code: 'invalid_request',
    });
  });

  it('documents every route', async () => {
    await expectDocumentedRoutes(api, loyaltyModule, '/api/loyalty', [
      '/api/loyalty/cards',
      '/api/loyalty/cards/live',
      '/api/loyalty/cards/{cardId}',
      '/api/loyalty/cards/{cardId}/history',
    ]);
  });

  describeBadRequests(
    () => api,
    [
      { method: 'GET', path: '/api/loyalty/cards/:cardId', notFound: { code: 'card_not_found' } },
      { method: 'GET', path: '/api/loyalty/cards/:cardId/history', notFound: { code: 'card_not_found' } },
    ],
  );
});
