import { newEnvelope } from '@tessera/platform/messaging';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEPOT_PRODUCTS_GROUP,
  DEPOT_STORES_GROUP,
} from '../../../src/depot/adapters/messaging/stores-events.js';
import { postgresStoresCache } from '../../../src/depot/adapters/postgres/caches.js';
import { STORE_CHANNEL } from '../../../src/stores/contract/integration-events.js';
import { type DepotHost, HOST_START_MS, startDepotHost } from '../support/host.js';

describe.each(testDatabases)('Depot caches of Stores data, on $backend', (backend) => {
  let api: DepotHost;
  beforeAll(async () => {
    api = await startDepotHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const storeRow = async (id: string) =>
    (await api.db.query('SELECT name, location FROM depot.stores_cache WHERE id = $1', [id])).rows[0];
  const productRow = async (id: string) =>
    (await api.db.query('SELECT store_id AS "storeId", name FROM depot.products_cache WHERE id = $1', [id]))
      .rows[0];

  it('follows a store and a product through rebrands until removal; prices and participation never reach it', async () => {
    const storeId = await api.createStore('Waldorf Books', 'Level 1');
    const productId = await api.addProduct(storeId, 'Dune');
    await api.cached(storeId, productId);
    expect(await storeRow(storeId)).toEqual({ name: 'Waldorf Books', location: 'Level 1' });
    expect(await productRow(productId)).toEqual({ storeId, name: 'Dune' });

    await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Waldorf & Sons' });
    await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 12.5 });
    await api.call('PUT', `/api/stores/${storeId}/participating`);
    // Each key's messages come in order: once these rebrands are in, the price and the participation before
    // them would have been too, had the groups taken those types (ADR 0058: they do not).
    await api.call('PUT', `/api/stores/products/${productId}/rebrand`, {
      name: 'Dune Messiah',
      description: 'x',
    });
    await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Waldorf & Sons Ltd' });
    await api.cacheSettles(
      async () =>
        (await storeRow(storeId))?.name === 'Waldorf & Sons Ltd' &&
        (await productRow(productId))?.name === 'Dune Messiah',
    );
    expect(await storeRow(storeId)).toEqual({ name: 'Waldorf & Sons Ltd', location: 'Level 1' });
    expect(
      api.cacheUpdates.filter(
        (m) =>
          m.type === 'storesapi.ProductPriceIncreased' || m.type === 'storesapi.StoreParticipatingToggled',
      ),
    ).toEqual([]);

    await api.call('DELETE', `/api/stores/products/${productId}`);
    await api.cacheSettles(async () => (await productRow(productId)) === undefined);
    expect(await api.host.broker.deadLetters.list(DEPOT_STORES_GROUP)).toEqual([]);
    expect(await api.host.broker.deadLetters.list(DEPOT_PRODUCTS_GROUP)).toEqual([]);
  });

  it('keeps a rebrand when StoreCreated is published again under another id', async () => {
    const storeId = await api.createStore('Gadgets', 'Level 2');
    await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'Gadgets Galore' });
    await api.cacheSettles(async () => (await storeRow(storeId))?.name === 'Gadgets Galore');
    const again = newEnvelope('stores', {
      type: 'storesapi.StoreCreated',
      subject: STORE_CHANNEL,
      key: storeId,
      data: { id: storeId, name: 'Gadgets', location: 'Level 2' },
    });
    await api.host.broker.publish([again]);
    await api.cacheSettles(async () => api.cacheUpdates.some((m) => m.id === again.id));
    expect(await storeRow(storeId)).toEqual({ name: 'Gadgets Galore', location: 'Level 2' });
  });

  it('does not remember a value fetched before an event about it was handled', async () => {
    const cache = postgresStoresCache(api.db);
    const storeId = await api.createStore('Old Name', 'Level 4');
    await api.cacheSettles(async () => (await storeRow(storeId)) !== undefined);
    await api.db.query('DELETE FROM depot.stores_cache WHERE id = $1', [storeId]);
    const since = await cache.stores.now();
    // The rebrand is handled after the fetch began: what was fetched may predate it.
    await api.call('PUT', `/api/stores/${storeId}/rebrand`, { name: 'New Name' });
    await api.cacheSettles(async () =>
      api.cacheUpdates.some((m) => m.type === 'storesapi.StoreRebranded' && m.key === storeId),
    );
    await cache.stores.remember({ id: storeId, name: 'Old Name', location: 'Level 4' }, since);
    expect(await storeRow(storeId)).toBeUndefined();
    // A fetch that began after it is remembered.
    await cache.stores.remember(
      { id: storeId, name: 'New Name', location: 'Level 4' },
      await cache.stores.now(),
    );
    expect(await storeRow(storeId)).toEqual({ name: 'New Name', location: 'Level 4' });
  });
});
