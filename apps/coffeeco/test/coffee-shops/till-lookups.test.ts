import { randomUUID } from 'node:crypto';
import { expectPagedList, expectProblem, testDatabases, unknownId } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BARISTA,
  coffeeLover,
  HOST_START_MS,
  purchaseOf,
  type ShopsHost,
  STORE_MANAGER,
  startShopsHost,
} from './support.js';

const BASE = '/api/coffee-shops';
const itemsQuery = (items: readonly string[]) =>
  items.map((item) => `items=${encodeURIComponent(item)}`).join('&');

interface QuoteDto {
  items: Array<{ itemName: string; basePrice: { amount: number; currency: string } }>;
  subtotal: { amount: number; currency: string };
  discountPercent: number;
  discount: { amount: number; currency: string };
  total: { amount: number; currency: string };
}

/** What a till looks up before a sale: the stores, what a sale will cost at one, and the customer by email. */
describe.each(testDatabases)('What a till looks up, on $backend', (backend) => {
  let api: ShopsHost;
  let storeId: string;
  beforeAll(async () => {
    api = await startShopsHost(backend);
    storeId = await api.openStore(
      [
        ['Latte', 335],
        ['Scone', 250],
      ],
      15,
    );
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const quoteOf = (items: readonly string[], who = BARISTA, store = storeId) =>
    api.as(who).call('GET', `${BASE}/stores/${store}/quote?${itemsQuery(items)}`);

  describe('the stores', () => {
    it('are listed to anyone logged in, by location, a page at a time, with their products and discount', async () => {
      const opened = [await api.openStore([['Tea', 200]]), await api.openStore([['Tea', 210]])];
      for (let n = 0; n < 8; n++) await api.openStore([['Tea', 200 + n]]);
      const ids = await expectPagedList(api, `${BASE}/stores`, 'stores', { atLeast: 11 });
      expect(ids).toEqual(expect.arrayContaining([storeId, ...opened]));
      const first = (await api.as(coffeeLover(unknownId())).call('GET', `${BASE}/stores?limit=100`)).json<{
        stores: Array<{ id: string; location: string; discountPercent: number; products: unknown[] }>;
      }>().stores;
      expect(first.find((store) => store.id === storeId)).toEqual({
        id: storeId,
        location: 'Seattle, Pike Place',
        discountPercent: 15,
        products: [
          { itemName: 'Latte', basePrice: { amount: 3.35, currency: 'USD' } },
          { itemName: 'Scone', basePrice: { amount: 2.5, currency: 'USD' } },
        ],
      });
      expectProblem(await api.as('anonymous').call('GET', `${BASE}/stores`), 401);
    });

    it('are listed by location, whatever order they were opened in', async () => {
      const manager = api.as(STORE_MANAGER);
      const tag = randomUUID().slice(0, 8);
      for (const location of [`zz ${tag} Boston`, `zz ${tag} Austin`]) {
        expect((await manager.call('POST', `${BASE}/stores`, { location })).statusCode).toBe(201);
      }
      const all = (await api.as(BARISTA).call('GET', `${BASE}/stores?limit=100`)).json<{
        stores: Array<{ location: string }>;
      }>().stores;
      const ours = all.map((store) => store.location).filter((location) => location.includes(tag));
      expect(ours).toEqual([`zz ${tag} Austin`, `zz ${tag} Boston`]);
    });
  });

  describe('a quote', () => {
    it('prices the items at the store, with its discount taken off as the purchase will take it', async () => {
      const items = ['Latte', 'Latte', 'Latte', 'Scone'];
      const answer = await quoteOf(items);
      expect(answer.statusCode, answer.body).toBe(200);
      // 3 × 3.35 + 2.50 = 12.55; 15% off is 10.6675, half-up to the cent 10.67.
      expect(answer.json<{ quote: QuoteDto }>().quote).toEqual({
        items: [
          { itemName: 'Latte', basePrice: { amount: 3.35, currency: 'USD' } },
          { itemName: 'Latte', basePrice: { amount: 3.35, currency: 'USD' } },
          { itemName: 'Latte', basePrice: { amount: 3.35, currency: 'USD' } },
          { itemName: 'Scone', basePrice: { amount: 2.5, currency: 'USD' } },
        ],
        subtotal: { amount: 12.55, currency: 'USD' },
        discountPercent: 15,
        discount: { amount: 1.88, currency: 'USD' },
        total: { amount: 10.67, currency: 'USD' },
      });
      const bought = await api
        .as(BARISTA)
        .call('PUT', `${BASE}/purchases/${unknownId()}`, { storeId, items, means: 'cash' });
      expect(purchaseOf(bought).total).toEqual({ amount: 10.67, currency: 'USD' });
    });

    it('takes one item as well as many, and is asked by coffee lovers and managers too', async () => {
      for (const who of [BARISTA, STORE_MANAGER, coffeeLover(unknownId())]) {
        const answer = await quoteOf(['Scone'], who);
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json<{ quote: QuoteDto }>().quote.total).toEqual({ amount: 2.13, currency: 'USD' });
      }
      expectProblem(
        await api.as('anonymous').call('GET', `${BASE}/stores/${storeId}/quote?items=Scone`),
        401,
      );
    });

    it('refuses an item the store does not sell, no item, or too many, naming the field; an unknown store is 404', async () => {
      expectProblem(await quoteOf(['Latte', 'Espresso']), 400, {
        code: 'unknown_item',
        field: 'querystring.items.1',
      });
      expectProblem(await api.as(BARISTA).call('GET', `${BASE}/stores/${storeId}/quote`), 400, {
        field: 'querystring.items',
      });
      expectProblem(await quoteOf(Array.from({ length: 51 }, () => 'Latte')), 400, {
        field: 'querystring.items',
      });
      expectProblem(await quoteOf(['Latte'], BARISTA, unknownId()), 404, { code: 'store_not_found' });
      expectProblem(await quoteOf(['Latte'], BARISTA, 'not-a-store'), 400, { field: 'params.storeId' });
    });
  });

  describe('finding a coffee lover by email', () => {
    const register = async (email: string) => {
      const answer = await api.as('anonymous').call('POST', `${BASE}/coffee-lovers`, {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email,
        username: `ada-${randomUUID().slice(0, 8)}`,
        password: 'a long enough password',
      });
      expect(answer.statusCode, answer.body).toBe(201);
      return answer.json<{ id: string }>().id;
    };
    const find = (email: string, who = BARISTA) =>
      api.as(who).call('GET', `${BASE}/coffee-lovers?email=${encodeURIComponent(email)}`);

    it('answers everyone with that address in any case, first registered first; none is an empty list', async () => {
      const email = `ada.${randomUUID().slice(0, 8)}@example.com`;
      const first = await register(email);
      const second = await register(email.toUpperCase());
      await register(`other.${email}`);
      const answer = await find(`  ${email.replace('ada', 'ADA')}`.trim());
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json()).toEqual({
        coffeeLovers: [
          { id: first, firstName: 'Ada', lastName: 'Lovelace', email },
          { id: second, firstName: 'Ada', lastName: 'Lovelace', email },
        ],
      });
      expect((await find(`nobody.${email}`)).json()).toEqual({ coffeeLovers: [] });
    });

    it('pages as every list does', async () => {
      const email = `many.${randomUUID().slice(0, 8)}@example.com`;
      const ids = [];
      for (let n = 0; n < 9; n++) ids.push(await register(email));
      const listed = await expectPagedList(
        api,
        `${BASE}/coffee-lovers?email=${encodeURIComponent(email)}`,
        'coffeeLovers',
        { atLeast: 9 },
      );
      const asManager = await api.as(STORE_MANAGER).call('GET', `${BASE}/coffee-lovers?email=${email}`);
      expect(asManager.statusCode, asManager.body).toBe(200);
      expect(listed).toEqual(ids);
    });

    it('is for the staff only, and refuses an address that is not one, naming it', async () => {
      expectProblem(await find('ada@example.com', coffeeLover(unknownId())), 403);
      expectProblem(await api.as('anonymous').call('GET', `${BASE}/coffee-lovers?email=a@b.co`), 401);
      expectProblem(await find('not an address'), 400, { field: 'querystring.email' });
      expectProblem(await api.as(BARISTA).call('GET', `${BASE}/coffee-lovers`), 400, {
        field: 'querystring.email',
      });
    });
  });
});
