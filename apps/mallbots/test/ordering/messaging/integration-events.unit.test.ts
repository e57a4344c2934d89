import { fold } from '@tessera/platform/ddd';
import type { RecordedEvent } from '@tessera/platform/eventstore';
import { derivedId } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { toIntegrationMessages } from '../../../src/ordering/adapters/messaging/integration-events.js';
import {
  ORDER_CHANNEL,
  type OrderingMessageType,
  orderingMessages,
} from '../../../src/ordering/contract/integration-events.js';
import * as Order from '../../../src/ordering/domain/order.js';

const orderId = '5c9a0f3e-2b1d-4e8f-9a7b-6c5d4e3f2a1b';
const customerId = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';
const shoppingListId = '3f2e1d0c-9b8a-4766-8544-332211009988';
const line = {
  storeId: '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a',
  productId: '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0',
  storeName: 'Shop',
  productName: 'Widget',
  priceCents: 999,
  quantity: 3,
};
const history: Order.Event[] = [
  { type: 'ordering.OrderCreated', data: { customerId, paymentId: 'pay-1', items: [line] } },
  { type: 'ordering.OrderApproved', data: { shoppingListId } },
  { type: 'ordering.OrderReadied', data: { unavailableItems: [] } },
  { type: 'ordering.OrderCompleted', data: { invoiceId: 'inv-1' } },
];
const recorded = (event: Order.Event, version: number): RecordedEvent => ({
  ...event,
  id: crypto.randomUUID(),
  metadata: {},
  streamName: `ordering.Order-${orderId}`,
  streamVersion: version,
  position: version,
  recordedAt: new Date(),
});

/** Each event as the save that recorded it publishes it: with the state after that save. */
const publishedAlong = (events: Order.Event[]) =>
  events.map((event, index) => {
    const record = recorded(event, index + 1);
    const [message] = toIntegrationMessages(orderId, fold(Order.aggregate, events.slice(0, index + 1)), [
      record,
    ]);
    return { record, message: message! };
  });

describe('Ordering integration events', () => {
  it('publishes every step of the life cycle, keyed by order, with ids derived from the events', () => {
    const published = publishedAlong(history);
    expect(published.map(({ message }) => [message.type, message.subject, message.key])).toEqual([
      ['ordersapi.OrderCreated', ORDER_CHANNEL, orderId],
      ['ordersapi.OrderApproved', ORDER_CHANNEL, orderId],
      ['ordersapi.OrderReadied', ORDER_CHANNEL, orderId],
      ['ordersapi.OrderCompleted', ORDER_CHANNEL, orderId],
    ]);
    for (const { record, message } of published) expect(message.id).toBe(derivedId(record.id, 0));
    expect(published.map(({ message }) => message.data)).toEqual([
      { id: orderId, customerId, paymentId: 'pay-1', items: [line], totalCents: 2997 },
      { id: orderId, customerId, paymentId: 'pay-1', shoppingListId },
      { id: orderId, customerId, paymentId: 'pay-1', totalCents: 2997, unavailableItems: [] },
      { id: orderId, customerId, invoiceId: 'inv-1' },
    ]);
    for (const { message } of published) {
      expect(() => orderingMessages[message.type as OrderingMessageType].parse(message.data)).not.toThrow();
    }
  });

  it('publishes a rejection with its reason, and a cancellation with the shopping list only once there is one', () => {
    const created = history[0]!;
    const [rejected] = publishedAlong([
      created,
      { type: 'ordering.OrderRejected', data: { reason: 'no' } },
    ]).slice(1);
    expect(rejected!.message.data).toEqual({ id: orderId, customerId, paymentId: 'pay-1', reason: 'no' });
    const canceled: Order.Event = { type: 'ordering.OrderCanceled', data: { canceledBy: 'customer' } };
    const early = publishedAlong([created, canceled])[1]!.message;
    const late = publishedAlong([created, history[1]!, canceled])[2]!.message;
    expect(early.data).toEqual({ id: orderId, customerId, paymentId: 'pay-1', canceledBy: 'customer' });
    expect(late.data).toEqual({
      id: orderId,
      customerId,
      paymentId: 'pay-1',
      shoppingListId,
      canceledBy: 'customer',
    });
    const byStaff: Order.Event = {
      type: 'ordering.OrderCanceled',
      data: { canceledBy: 'staff', reason: 'closed' },
    };
    const staff = publishedAlong([created, history[1]!, history[2]!, byStaff])[3]!.message;
    expect(staff.data).toEqual({
      id: orderId,
      customerId,
      paymentId: 'pay-1',
      shoppingListId,
      canceledBy: 'staff',
      reason: 'closed',
    });
  });
});
