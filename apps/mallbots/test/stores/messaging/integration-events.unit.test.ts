import type { RecordedEvent } from '@tessera/platform/eventstore';
import { describe, expect, it } from 'vitest';
import { toIntegrationMessages } from '../../../src/stores/adapters/messaging/integration-events.js';
import {
  PRODUCT_CHANNEL,
  STORE_CHANNEL,
  type StoresMessageType,
  storesMessages,
} from '../../../src/stores/contract/integration-events.js';

const storeId = '5c9a0f3e-2b1d-4e8f-9a7b-6c5d4e3f2a1b';
const productId = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';
let position = 0;
const recorded = (stream: string, type: string, data: unknown): RecordedEvent => ({
  id: crypto.randomUUID(),
  type,
  data,
  metadata: {},
  streamName: stream,
  streamVersion: 1,
  position: ++position,
  recordedAt: new Date(),
});
const store = (type: string, data: unknown = {}) => recorded(`stores.Store-${storeId}`, type, data);
const product = (type: string, data: unknown = {}) => recorded(`stores.Product-${productId}`, type, data);

describe('Stores integration events', () => {
  it('turns every domain event into its published message, on its channel, keyed by the aggregate id', () => {
    const messages = toIntegrationMessages([
      store('stores.StoreCreated', { name: 'Waldorf Books', location: 'Level 2' }),
      product('stores.ProductAdded', {
        storeId,
        name: 'Dune',
        description: 'novel',
        sku: 'D-1',
        priceCents: 999,
      }),
      store('stores.StoreParticipationEnabled'),
      store('stores.StoreParticipationDisabled'),
      store('stores.StoreRebranded', { name: 'Waldorf & Sons' }),
      product('stores.ProductRebranded', { name: 'Dune', description: 'a novel' }),
      product('stores.ProductPriceIncreased', { deltaCents: 100 }),
      product('stores.ProductPriceDecreased', { deltaCents: -50 }),
      product('stores.ProductRemoved'),
      recorded('stores.Unrelated-1', 'stores.Unrelated', {}),
    ]);
    expect(messages.map((m) => [m.type, m.subject, m.key])).toEqual([
      ['storesapi.StoreCreated', STORE_CHANNEL, storeId],
      ['storesapi.ProductAdded', PRODUCT_CHANNEL, productId],
      ['storesapi.StoreParticipatingToggled', STORE_CHANNEL, storeId],
      ['storesapi.StoreParticipatingToggled', STORE_CHANNEL, storeId],
      ['storesapi.StoreRebranded', STORE_CHANNEL, storeId],
      ['storesapi.ProductRebranded', PRODUCT_CHANNEL, productId],
      ['storesapi.ProductPriceIncreased', PRODUCT_CHANNEL, productId],
      ['storesapi.ProductPriceDecreased', PRODUCT_CHANNEL, productId],
      ['storesapi.ProductRemoved', PRODUCT_CHANNEL, productId],
    ]);
    expect(messages.map((m) => m.data)).toEqual([
      { id: storeId, name: 'Waldorf Books', location: 'Level 2' },
      { id: productId, storeId, name: 'Dune', description: 'novel', sku: 'D-1', priceCents: 999 },
      { id: storeId, participating: true },
      { id: storeId, participating: false },
      { id: storeId, name: 'Waldorf & Sons' },
      { id: productId, name: 'Dune', description: 'a novel' },
      { id: productId, deltaCents: 100 },
      { id: productId, deltaCents: -50 },
      { id: productId },
    ]);
    // Every message fits its published schema.
    for (const message of messages) {
      expect(() => storesMessages[message.type as StoresMessageType].parse(message.data)).not.toThrow();
    }
  });
});
