import { newEnvelope } from '@tessera/platform/messaging';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storesCacheHandlers } from '../../../src/baskets/adapters/messaging/stores-events.js';
import { postgresStoresCache } from '../../../src/baskets/adapters/postgres/caches.js';
import { PRODUCT_CHANNEL, STORE_CHANNEL } from '../../../src/stores/contract/integration-events.js';
import { type BasketsHost, HOST_START_MS, startBasketsHost } from '../support/host.js';

const storeRow = async (api: BasketsHost, id: string) =>
  (await api.db.query('SELECT name, exact FROM baskets.stores_cache WHERE id = $1', [id])).rows[0];
const productRow = async (api: BasketsHost, id: string) =>
  (
    await api.db.query(
      'SELECT store_id AS "storeId", name, price_cents AS "priceCents", exact FROM baskets.products_cache WHERE id = $1',
      [id],
    )
  ).rows[0];

describe.each(testDatabases)('Baskets caches of Stores data, on $backend', (backend) => {
  let api: BasketsHost;
  beforeAll(async () => {
    api = await startBasketsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api.close());

  describe('through the broker', () => {
    it('follows a store and a product created and changed through the Stores API, until removal', async () => {
      const storeId = await api.createStore('Waldorf Books');
      const productId = await api.addProduct(storeId, { name: 'Dune', price: 9.99 });
      await api.cached(productId);
      expect(await storeRow(api, storeId)).toEqual({ name: 'Waldorf Books', exact: true });
      expect(await productRow(api, productId)).toEqual({
        storeId,
        name: 'Dune',
        priceCents: 999,
        exact: true,
      });

      await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Waldorf & Sons' });
      await api.call('PUT', `/api/stores/products/${productId}/rebrand`, {
        name: 'Dune Messiah',
        description: 'x',
      });
      await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 12.5 });
      await api.call('PUT', `/api/stores/products/${productId}/decreasePrice`, { price: 11.25 });
      await api.cacheSettles(
        async () =>
          (await storeRow(api, storeId))?.name === 'Waldorf & Sons' &&
          (await productRow(api, productId))?.priceCents === 1125,
      );
      expect(await productRow(api, productId)).toEqual({
        storeId,
        name: 'Dune Messiah',
        priceCents: 1125,
        exact: true,
      });

      await api.call('DELETE', `/api/stores/products/${productId}`);
      await api.cacheSettles(async () => (await productRow(api, productId)) === undefined);
      // The store's participation is not Baskets' business: the message never reaches its group (ADR 0058),
      // the row is unchanged. The rebrand after it, on the same key, comes after it.
      await api.call('PUT', `/api/stores/${storeId}/participating`);
      await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Waldorf & Daughters' });
      await api.cacheSettles(async () => (await storeRow(api, storeId))?.name === 'Waldorf & Daughters');
      expect(await storeRow(api, storeId)).toEqual({ name: 'Waldorf & Daughters', exact: true });
      expect(api.cacheUpdates.filter((m) => m.type === 'storesapi.StoreParticipatingToggled')).toEqual([]);
      expect(await api.host.broker.deadLetters.list('baskets-stores')).toEqual([]);
      expect(await api.host.broker.deadLetters.list('baskets-products')).toEqual([]);
    });

    it('ignores a duplicate ProductAdded or StoreCreated (same data, another id) after later changes', async () => {
      const storeId = await api.createStore('Gadgets');
      const productId = await api.addProduct(storeId, { name: 'Gizmo', price: 5 });
      await api.cached(productId);
      await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 6 });
      await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Gadgets Galore' });
      await api.cacheSettles(async () => (await productRow(api, productId))?.priceCents === 600);
      await api.cacheSettles(async () => (await storeRow(api, storeId))?.name === 'Gadgets Galore');

      const again = [
        newEnvelope('stores', {
          type: 'storesapi.ProductAdded',
          subject: PRODUCT_CHANNEL,
          key: productId,
          data: { id: productId, storeId, name: 'Gizmo', description: 'd', sku: 's', priceCents: 500 },
        }),
        newEnvelope('stores', {
          type: 'storesapi.StoreCreated',
          subject: STORE_CHANNEL,
          key: storeId,
          data: { id: storeId, name: 'Gadgets', location: 'Level 1' },
        }),
      ];
      await api.host.broker.publish(again);
      await api.cacheSettles(async () =>
        again.every((copy) => api.cacheUpdates.some((handled) => handled.id === copy.id)),
      );
      expect(await productRow(api, productId)).toMatchObject({ name: 'Gizmo', priceCents: 600, exact: true });
      expect(await storeRow(api, storeId)).toEqual({ name: 'Gadgets Galore', exact: true });
    });

    it('dead-letters a Stores message whose data breaks the contract, at once', async () => {
      const bad = newEnvelope('stores', {
        type: 'storesapi.ProductAdded',
        subject: PRODUCT_CHANNEL,
        key: 'not-a-uuid',
        data: { id: 'not-a-uuid', name: 'Broken' },
      });
      await api.host.broker.publish([bad]);
      // Same key, so the fence is handled only once the bad message has left the queue (dead-lettered).
      const fence = newEnvelope('stores', {
        type: 'storesapi.ProductRemoved',
        subject: PRODUCT_CHANNEL,
        key: 'not-a-uuid',
        data: { id: crypto.randomUUID() },
      });
      await api.host.broker.publish([fence]);
      await api.cacheSettles(async () => api.cacheUpdates.some((m) => m.id === fence.id));
      const [letter] = await api.host.broker.deadLetters.list('baskets-products');
      expect(letter).toMatchObject({
        messageId: bad.id,
        attempts: 1,
        reason: expect.stringMatching(/poison/),
      });
    });
  });

  describe('handlers and the fallback, against each other', () => {
    const handlers = () => storesCacheHandlers(postgresStoresCache(api.db));
    const cache = () => postgresStoresCache(api.db);
    /** Handles a Stores message as the broker does: in one transaction. */
    const handle = (type: string, data: Record<string, unknown> & { id: string }) => {
      const channel = type.startsWith('storesapi.Store') ? STORE_CHANNEL : PRODUCT_CHANNEL;
      const message = newEnvelope('stores', { type, subject: channel, key: data.id, data });
      const handler = channel === STORE_CHANNEL ? handlers().stores : handlers().products;
      return api.db.transaction(() => handler(message));
    };
    const newProduct = () => ({
      id: crypto.randomUUID(),
      storeId: crypto.randomUUID(),
      name: 'Lamp',
      description: 'd',
      sku: 's',
      priceCents: 1000,
    });
    const fetched = (product: ReturnType<typeof newProduct>, priceCents: number) => ({
      id: product.id,
      storeId: product.storeId,
      name: product.name,
      priceCents,
    });

    it("makes a fetched row exact when the product's first event arrives, then applies its deltas", async () => {
      const product = newProduct();
      // The fallback saw a price that already includes a later increase (+250).
      await cache().products.remember(fetched(product, 1250), await cache().products.now());
      expect(await productRow(api, product.id)).toMatchObject({ priceCents: 1250, exact: false });
      await handle('storesapi.ProductAdded', product);
      expect(await productRow(api, product.id)).toMatchObject({ priceCents: 1000, exact: true });
      await handle('storesapi.ProductPriceIncreased', { id: product.id, deltaCents: 250 });
      expect(await productRow(api, product.id)).toMatchObject({ priceCents: 1250, exact: true });
    });

    it('drops a fetched row on a price delta instead of guessing whether its price includes it', async () => {
      const product = newProduct();
      await cache().products.remember(fetched(product, 1250), await cache().products.now());
      await handle('storesapi.ProductPriceIncreased', { id: product.id, deltaCents: 250 });
      expect(await productRow(api, product.id)).toBeUndefined();
      expect(await cache().products.find(product.id)).toBeUndefined();
    });

    it('does not cache a fetched value when an event about it was handled since the fetch began', async () => {
      const product = newProduct();
      const since = await cache().products.now();
      // The event lands while the fetch is in flight: the fetched price may predate it.
      await handle('storesapi.ProductPriceDecreased', { id: product.id, deltaCents: -100 });
      await cache().products.remember(fetched(product, 1000), since);
      expect(await productRow(api, product.id)).toBeUndefined();
      // A fetch begun after the event is cached.
      await cache().products.remember(fetched(product, 900), await cache().products.now());
      expect(await productRow(api, product.id)).toMatchObject({ priceCents: 900, exact: false });
    });

    it('is idempotent for absolute values, and never lets a fetched value overwrite a row', async () => {
      const product = newProduct();
      await handle('storesapi.ProductAdded', product);
      await handle('storesapi.ProductAdded', product);
      await handle('storesapi.ProductRebranded', { id: product.id, name: 'Lantern', description: 'x' });
      await handle('storesapi.ProductRebranded', { id: product.id, name: 'Lantern', description: 'x' });
      await cache().products.remember({ ...fetched(product, 1), name: 'Old' }, await cache().products.now());
      expect(await productRow(api, product.id)).toEqual({
        storeId: product.storeId,
        name: 'Lantern',
        priceCents: 1000,
        exact: true,
      });
      await handle('storesapi.ProductRemoved', { id: product.id });
      await handle('storesapi.ProductRemoved', { id: product.id });
      expect(await productRow(api, product.id)).toBeUndefined();

      const storeId = crypto.randomUUID();
      await cache().stores.remember({ id: storeId, name: 'Fetched' }, await cache().stores.now());
      await handle('storesapi.StoreRebranded', { id: storeId, name: 'Renamed' });
      expect(await storeRow(api, storeId)).toEqual({ name: 'Renamed', exact: false });
      await handle('storesapi.StoreCreated', { id: storeId, name: 'Original', location: 'L1' });
      await handle('storesapi.StoreCreated', { id: storeId, name: 'Original', location: 'L1' });
      expect(await storeRow(api, storeId)).toEqual({ name: 'Original', exact: true });
    });
  });
});
