import { TOKEN_PATH } from '@tessera/platform/identity';
import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffeeShopsModule } from '../../src/coffee-shops/module.js';
import {
  BARISTA,
  coffeeLover,
  HOST_START_MS,
  type ShopsHost,
  STORE_MANAGER,
  startShopsHost,
} from './support.js';

const BASE = '/api/coffee-shops';

describe.each(testDatabases)('The coffee shops’ people and stores, and their API, on $backend', (backend) => {
  let api: ShopsHost;
  beforeAll(async () => {
    api = await startShopsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const register = (body: object) => api.as('anonymous').call('POST', `${BASE}/coffee-lovers`, body);
  const login = { username: 'grace-h', password: 'a long enough password' };
  const newLover = { firstName: 'Grace', lastName: 'Hopper', email: 'Grace@Example.com', ...login };

  describe('registering as a coffee lover', () => {
    it('answers 201 with the id, the subject of the coffee-lover tokens their username and password get', async () => {
      const response = await register(newLover);
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(response.headers.location).toBe(`${BASE}/coffee-lovers/${id}`);

      const tokens = await api.host.http.inject({
        method: 'POST',
        url: TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'password', ...login }).toString(),
      });
      expect(tokens.statusCode, tokens.body).toBe(200);
      const token = tokens.json<{ access_token: string }>().access_token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({ sub: id, roles: ['coffee-lover'] });

      const own = await api.host.http.inject({
        method: 'GET',
        url: `${BASE}/coffee-lovers/${id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json()).toEqual({
        coffeeLover: { id, firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
      });
    });

    it('is seen by the staff and by themselves, not by another coffee lover', async () => {
      const id = await api.registerCoffeeLover();
      for (const who of [BARISTA, STORE_MANAGER, coffeeLover(id)]) {
        expect((await api.as(who).call('GET', `${BASE}/coffee-lovers/${id}`)).statusCode).toBe(200);
      }
      expectProblem(await api.as(coffeeLover(unknownId())).call('GET', `${BASE}/coffee-lovers/${id}`), 403);
    });

    it('refuses a taken username (409) and a blank name, registering nobody', async () => {
      await register({ ...newLover, username: 'taken-name' });
      expectProblem(await register({ ...newLover, username: 'taken-name' }), 409, {
        code: 'username_taken',
        field: 'body.username',
      });
      expectProblem(await register({ ...newLover, username: 'blank-name', firstName: '  ' }), 400, {
        code: 'first_name_blank',
        field: 'body.firstName',
      });
      expectProblem(await register({ ...newLover, username: 'bad-email', email: 'not an address' }), 400, {
        field: 'body.email',
      });
    });
  });

  describe('stores', () => {
    it('are opened by a store manager, sell what they say at their prices, with their discount', async () => {
      const id = await api.openStore(
        [
          ['Latte', 450],
          ['Beans', 3300],
        ],
        10,
      );
      const store = await api.as(coffeeLover(unknownId())).call('GET', `${BASE}/stores/${id}`);
      expect(store.statusCode, store.body).toBe(200);
      expect(store.json()).toEqual({
        store: {
          id,
          location: 'Seattle, Pike Place',
          discountPercent: 10,
          products: [
            { itemName: 'Latte', basePrice: { amount: 4.5, currency: 'USD' } },
            { itemName: 'Beans', basePrice: { amount: 33, currency: 'USD' } },
          ],
        },
      });
      // The discount is a field of the store (CC-D6).
      const row = await api.db.query(
        'SELECT discount_percent FROM coffeeco_coffee_shops.stores WHERE id = $1',
        [id],
      );
      expect(row.rows).toEqual([{ discount_percent: 10 }]);
    });

    it('are opened and changed by store managers only; a barista, a coffee lover or nobody is refused', async () => {
      const id = await api.openStore([['Latte', 450]]);
      for (const who of [BARISTA, coffeeLover(unknownId())]) {
        expectProblem(await api.as(who).call('POST', `${BASE}/stores`, { location: 'Elsewhere' }), 403);
        expectProblem(await api.as(who).call('PUT', `${BASE}/stores/${id}/discount`, { percent: 50 }), 403);
      }
      expectProblem(await api.as('anonymous').call('GET', `${BASE}/stores/${id}`), 401);
    });

    it('refuses a discount out of 0..100, a product listed twice, a price in cents of a cent, naming the field', async () => {
      const id = await api.openStore([['Latte', 450]]);
      const manager = api.as(STORE_MANAGER);
      expectProblem(await manager.call('PUT', `${BASE}/stores/${id}/discount`, { percent: 101 }), 400, {
        field: 'body.percent',
      });
      expectProblem(await manager.call('PUT', `${BASE}/stores/${id}/discount`, { percent: 9.5 }), 400, {
        field: 'body.percent',
      });
      const twice = { itemName: 'Latte', basePrice: { amount: 4.5, currency: 'USD' } };
      expectProblem(
        await manager.call('PUT', `${BASE}/stores/${id}/products`, { products: [twice, twice] }),
        400,
        {
          code: 'duplicate_item',
          field: 'body.products.1.itemName',
        },
      );
      const tooPrecise = { itemName: 'Latte', basePrice: { amount: 4.505, currency: 'USD' } };
      expectProblem(
        await manager.call('PUT', `${BASE}/stores/${id}/products`, { products: [tooPrecise] }),
        400,
        {
          field: 'body.products.0.basePrice.amount',
        },
      );
      const euros = { itemName: 'Latte', basePrice: { amount: 4.5, currency: 'EUR' } };
      expectProblem(await manager.call('PUT', `${BASE}/stores/${id}/products`, { products: [euros] }), 400, {
        field: 'body.products.0.basePrice.currency',
      });
      expectProblem(await manager.call('POST', `${BASE}/stores`, { location: ' ' }), 400, {
        code: 'location_blank',
        field: 'body.location',
      });
    });
  });

  it('documents every route under the prefix, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, coffeeShopsModule, `${BASE}/`, [
      `${BASE}/coffee-lovers`,
      `${BASE}/coffee-lovers/{coffeeLoverId}`,
      `${BASE}/coffee-lovers/{coffeeLoverId}/purchases`,
      `${BASE}/stores`,
      `${BASE}/stores/{storeId}`,
      `${BASE}/stores/{storeId}/quote`,
      `${BASE}/stores/{storeId}/products`,
      `${BASE}/stores/{storeId}/discount`,
      `${BASE}/purchases/{purchaseId}`,
      `${BASE}/card-provider/charges`,
    ]);
    const record = operations.find((operation) => operation.operationId === 'recordPurchase');
    expect(Object.keys(record?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '402', '409', '503']),
    );
    // Its client-generated id is its idempotency key: no Idempotency-Key header (that would make it one transaction).
    expect(JSON.stringify(record?.parameters)).not.toContain('idempotency-key');
  });

  describeBadRequests(
    () => api,
    [
      {
        method: 'POST',
        path: `${BASE}/coffee-lovers`,
        body: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          username: 'ada-l',
          password: 'long enough',
        },
      },
      {
        method: 'GET',
        path: `${BASE}/coffee-lovers/:coffeeLoverId`,
        notFound: { code: 'coffee_lover_not_found' },
      },
      {
        method: 'GET',
        path: `${BASE}/coffee-lovers/:coffeeLoverId/purchases`,
        notFound: { code: 'coffee_lover_not_found' },
      },
      { method: 'POST', path: `${BASE}/stores`, body: { location: 'Seattle' } },
      { method: 'GET', path: `${BASE}/stores/:storeId`, notFound: { code: 'store_not_found' } },
      {
        method: 'PUT',
        path: `${BASE}/stores/:storeId/products`,
        body: { products: [{ itemName: 'Latte', basePrice: { amount: 4.5, currency: 'USD' } }] },
        notFound: { code: 'store_not_found' },
      },
      {
        method: 'PUT',
        path: `${BASE}/stores/:storeId/discount`,
        body: { percent: 10 },
        notFound: { code: 'store_not_found' },
      },
      {
        method: 'PUT',
        path: `${BASE}/purchases/:purchaseId`,
        // Every field required as given: CoffeeBux needs its coffee lover (and takes no card token).
        body: { storeId: unknownId(), items: ['Latte'], means: 'coffeebux', coffeeLoverId: unknownId() },
        param: { valid: unknownId(), malformed: ['not-a-uuid', '123'] },
      },
      { method: 'GET', path: `${BASE}/purchases/:purchaseId`, notFound: { code: 'purchase_not_found' } },
    ],
  );
});
