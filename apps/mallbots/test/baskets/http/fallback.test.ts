import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoresHost, startStoresHost } from '../../stores/support/host.js';
import {
  type BasketsHost,
  expectProblem,
  HOST_START_MS,
  startBasketsHost,
  unknownId,
} from '../support/host.js';

describe.each(testDatabases)(
  'Baskets falls back to the Stores API on a cache miss, on $backend',
  (backend) => {
    let api: BasketsHost;
    beforeAll(async () => {
      api = await startBasketsHost(backend);
    }, HOST_START_MS);
    afterAll(() => api.close());

    const cachedProduct = async (id: string) =>
      (
        await api.db.query(
          'SELECT name, price_cents AS "priceCents", exact FROM baskets.products_cache WHERE id = $1',
          [id],
        )
      ).rows[0];

    it('fetches a product and its store missing from the caches, adds the item, and caches both', async () => {
      const storeId = await api.createStore('Lamp Shop');
      const productId = await api.addProduct(storeId, { name: 'Lamp', price: 25 });
      await api.cached(productId);
      await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 27.5 });
      await api.cacheSettles(async () => (await cachedProduct(productId))?.priceCents === 2750);
      // As if the messages had not arrived yet.
      await api.db.query('DELETE FROM baskets.products_cache WHERE id = $1', [productId]);
      await api.db.query('DELETE FROM baskets.stores_cache WHERE id = $1', [storeId]);

      const id = await api.startBasket();
      expect(
        (await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 2 })).statusCode,
      ).toBe(204);
      expect((await api.getBasket(id)).items).toEqual([
        { storeId, productId, storeName: 'Lamp Shop', productName: 'Lamp', price: 27.5, quantity: 2 },
      ]);
      expect(await cachedProduct(productId)).toEqual({ name: 'Lamp', priceCents: 2750, exact: false });
      const store = await api.db.query('SELECT name, exact FROM baskets.stores_cache WHERE id = $1', [
        storeId,
      ]);
      expect(store.rows).toEqual([{ name: 'Lamp Shop', exact: false }]);
    });

    it('looks Stores up in the same transaction when the request carries an Idempotency-Key', async () => {
      const storeId = await api.createStore('Key Shop');
      const productId = await api.addProduct(storeId, { name: 'Key', price: 3 });
      await api.cached(productId);
      await api.db.query('DELETE FROM baskets.products_cache WHERE id = $1', [productId]);
      const id = await api.startBasket();
      const addTwice = () =>
        api.host.http.inject({
          method: 'PUT',
          url: `/api/baskets/${id}/addItem`,
          headers: { 'idempotency-key': `add-${id}` },
          payload: { productId, quantity: 2 },
        });
      // The whole request holds one transaction; with PGlite's single connection an HTTP call back to
      // Stores could not run inside it.
      expect((await addTwice()).statusCode).toBe(204);
      const replay = await addTwice();
      expect(replay.statusCode).toBe(204);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await api.getBasket(id)).items).toMatchObject([{ productId, quantity: 2, price: 3 }]);
    });

    it('answers 404 naming the product Stores does not know, and caches nothing', async () => {
      const id = await api.startBasket();
      const productId = unknownId();
      const body = expectProblem(
        await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }),
        404,
        {
          code: 'product_not_found',
        },
      );
      expect(body.detail).toContain(productId);
      expect(await cachedProduct(productId)).toBeUndefined();
    });

    it('answers 404 for a product removed from Stores', async () => {
      const storeId = await api.createStore();
      const productId = await api.addProduct(storeId);
      await api.cached(productId);
      await api.call('DELETE', `/api/stores/products/${productId}`);
      await api.cacheSettles(async () => (await cachedProduct(productId)) === undefined);
      const id = await api.startBasket();
      expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }), 404, {
        code: 'product_not_found',
      });
    });
  },
);

describe.each(testDatabases)('Baskets asks a Stores of another process over HTTP, on $backend', (backend) => {
  let api: BasketsHost;
  let remote: StoresHost;
  beforeAll(async () => {
    remote = await startStoresHost(backend);
    api = await startBasketsHost(backend, { storesUrl: remote.host.url });
  }, HOST_START_MS);
  afterAll(async () => {
    await api.close();
    await remote.close();
  });

  it("fetches what only the other process's Stores knows", async () => {
    // Not published to this process's broker: only the HTTP look-up can find it.
    const storeId = await remote.createStore('Far Away Books');
    const productId = await remote.addProduct(storeId, { name: 'Atlas', price: 12.5 });
    const id = await api.startBasket();
    expect((await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 })).statusCode).toBe(
      204,
    );
    expect((await api.getBasket(id)).items).toEqual([
      { storeId, productId, storeName: 'Far Away Books', productName: 'Atlas', price: 12.5, quantity: 1 },
    ]);
  });
});

describe.each(testDatabases)('Baskets when Stores cannot answer, on $backend', (backend) => {
  let api: BasketsHost;
  let stores: Server;
  let storesUrl: string;
  beforeAll(async () => {
    // A Stores that fails every request.
    stores = createServer((_request, response) => {
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"oops":true}');
    });
    await new Promise<void>((resolve) => stores.listen(0, '127.0.0.1', resolve));
    storesUrl = `http://127.0.0.1:${(stores.address() as AddressInfo).port}`;
    api = await startBasketsHost(backend, { storesUrl });
  }, HOST_START_MS);
  afterAll(async () => {
    await api.close();
    stores.close();
  });

  it('answers 503 when Stores fails, then when it is unreachable; the basket is unchanged', async () => {
    const id = await api.startBasket();
    const productId = unknownId();
    expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }), 503, {
      code: 'stores_unavailable',
      detail: /answered 500/,
    });
    await new Promise<void>((resolve) => stores.close(() => resolve()));
    expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }), 503, {
      code: 'stores_unavailable',
      detail: /could not be reached/,
    });
    expect((await api.getBasket(id)).items).toEqual([]);
    // Rules that need no look-up still answer as usual.
    expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 0 }), 400, {
      code: 'item_quantity_not_positive',
    });
  });
});
