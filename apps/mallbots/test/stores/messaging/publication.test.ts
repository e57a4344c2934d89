import type { Envelope } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoresHost, startStoresHost } from '../support/host.js';

/** A subscriber that records what it receives and lets a test wait for a count. */
function received() {
  const messages: Envelope[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    messages,
    handle: async (message: Envelope) => {
      messages.push(message);
      if (waiting && messages.length >= waiting.count) waiting.resolve();
    },
    until: (count: number) =>
      messages.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting = { count, resolve };
          }),
  };
}

describe.each(testSetups)(
  'Stores publishes its integration events through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: StoresHost;
    beforeAll(async () => {
      api = await startStoresHost(backend, undefined, broker);
    });
    afterAll(() => api.close());

    it('publishes one message per change, in order per aggregate, keyed by it, and nothing for a refused command', async () => {
      const sink = received();
      const subscribed = await api.host.broker.subscribe({
        group: 'publication-test',
        subjects: ['mallbots.stores.events.>'],
        handle: sink.handle,
      });
      const storeId = await api.createStore('Waldorf Books', 'Level 2');
      await api.call('PUT', `/api/stores/${storeId}/participating`);
      const productId = await api.addProduct(storeId, { name: 'Dune', price: 9.99 });
      await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 10.5 });
      // Refused by the domain: no event, so no message.
      await api.call('PUT', `/api/stores/${storeId}/participating`);
      await api.call('DELETE', `/api/stores/products/${productId}`);

      await sink.until(5);
      await subscribed.stop();
      // In order per key (aggregate); the two keys may interleave either way, as they run in parallel.
      const ofKey = (key: string) =>
        sink.messages.filter((m) => m.key === key).map((m) => [m.type, m.subject, m.key]);
      expect(ofKey(storeId)).toEqual([
        ['storesapi.StoreCreated', 'mallbots.stores.events.Store', storeId],
        ['storesapi.StoreParticipatingToggled', 'mallbots.stores.events.Store', storeId],
      ]);
      expect(ofKey(productId)).toEqual([
        ['storesapi.ProductAdded', 'mallbots.stores.events.Product', productId],
        ['storesapi.ProductPriceIncreased', 'mallbots.stores.events.Product', productId],
        ['storesapi.ProductRemoved', 'mallbots.stores.events.Product', productId],
      ]);
      expect(sink.messages).toHaveLength(5);
      const typed = (type: string) => sink.messages.find((m) => m.type === type)!;
      expect(typed('storesapi.ProductAdded').data).toEqual({
        id: productId,
        storeId,
        name: 'Dune',
        description: 'A useful widget',
        sku: 'W-1',
        priceCents: 999,
      });
      expect(typed('storesapi.ProductPriceIncreased').data).toEqual({ id: productId, deltaCents: 51 });
      expect(sink.messages.every((m) => m.source === 'stores')).toBe(true);
      expect(new Set(sink.messages.map((m) => m.id)).size).toBe(5);
      if (broker === 'embedded') {
        // Exactly these five were published: the broker's log holds nothing else of these aggregates.
        const { rows } = await api.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM broker.messages WHERE key = ANY($1)',
          [[storeId, productId]],
        );
        expect(rows[0]!.n).toBe(5);
      }
    });
  },
);
