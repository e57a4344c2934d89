import { fold } from '@tessera/platform/ddd';
import type { RecordedEvent } from '@tessera/platform/eventstore';
import { derivedId } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { toIntegrationMessages } from '../../../src/baskets/adapters/messaging/integration-events.js';
import {
  BASKET_CHANNEL,
  type BasketsMessageType,
  basketsMessages,
} from '../../../src/baskets/contract/integration-events.js';
import * as Basket from '../../../src/baskets/domain/basket.js';

const basketId = '5c9a0f3e-2b1d-4e8f-9a7b-6c5d4e3f2a1b';
const customerId = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';
const storeId = '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a';
const productId = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';
const line = { storeId, productId, storeName: 'Shop', productName: 'Widget', priceCents: 999, quantity: 2 };
const events: Basket.Event[] = [
  { type: 'baskets.BasketStarted', data: { customerId } },
  { type: 'baskets.BasketItemAdded', data: line },
  { type: 'baskets.BasketItemRemoved', data: { productId, quantity: 1 } },
  { type: 'baskets.BasketCheckedOut', data: { paymentId: 'pay-1' } },
];
const recorded = (list: Basket.Event[]): RecordedEvent[] =>
  list.map((event, index) => ({
    ...event,
    id: crypto.randomUUID(),
    metadata: {},
    streamName: `baskets.Basket-${basketId}`,
    streamVersion: index + 1,
    position: index + 1,
    recordedAt: new Date(),
  }));

describe('Baskets integration events', () => {
  it('publishes the life cycle only, keyed by basket, with ids derived from the events', () => {
    const all = recorded(events);
    const messages = toIntegrationMessages(basketId, fold(Basket.aggregate, events), all);
    expect(messages.map((m) => [m.type, m.subject, m.key, m.id])).toEqual([
      ['basketsapi.BasketStarted', BASKET_CHANNEL, basketId, derivedId(all[0]!.id, 0)],
      ['basketsapi.BasketCheckedOut', BASKET_CHANNEL, basketId, derivedId(all[3]!.id, 0)],
    ]);
    expect(messages[1]!.data).toEqual({
      id: basketId,
      customerId,
      paymentId: 'pay-1',
      items: [{ ...line, quantity: 1 }],
    });
    const canceled = toIntegrationMessages(
      basketId,
      fold(Basket.aggregate, [events[0]!, { type: 'baskets.BasketCanceled', data: {} }]),
      recorded([{ type: 'baskets.BasketCanceled', data: {} }]),
    );
    expect(canceled.map((m) => [m.type, m.data])).toEqual([['basketsapi.BasketCanceled', { id: basketId }]]);
    for (const message of [...messages, ...canceled]) {
      expect(() => basketsMessages[message.type as BasketsMessageType].parse(message.data)).not.toThrow();
    }
  });
});
