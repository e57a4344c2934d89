import { describe, expect, it } from 'vitest';
import {
  customerMayCancel,
  evolveTracking,
  type Tracking,
  type TrackingEvent,
} from '../../src/search/domain/tracking.js';

const ORDER = 'order-1';
const item = {
  productId: 'p1',
  storeId: 's1',
  productName: 'Lamp',
  storeName: 'Lumen',
  priceCents: 500,
  quantity: 2,
};
const at = (second: number) => new Date(Date.UTC(2031, 0, 1, 9, 0, second)).toISOString();
const fold = (...events: TrackingEvent[]) =>
  events.reduce<Tracking | undefined>((state, event) => evolveTracking(state, ORDER, event), undefined)!;

const checkedOut = (second: number): TrackingEvent => ({
  type: 'search.BasketCheckedOut',
  data: { customerId: 'c1', items: [item], totalCents: 1000, at: at(second) },
  at: at(second),
});
const placed = (second: number, quantity = 2): TrackingEvent => ({
  type: 'search.OrderPlaced',
  data: {
    customerId: 'c1',
    items: [{ ...item, quantity }],
    totalCents: 500 * quantity,
    placedAt: at(second),
  },
  at: at(second),
});
const status = (
  second: number,
  value: 'approved' | 'ready' | 'canceled',
  totalCents?: number,
): TrackingEvent => ({
  type: 'search.OrderStatusChanged',
  data: { status: value, at: at(second), ...(totalCents === undefined ? {} : { totalCents }) },
  at: at(second),
});
const list = (
  second: number,
  value: 'available' | 'assigned' | 'completed' | 'canceled',
  botId?: string,
): TrackingEvent => ({
  type: 'search.ShoppingListChanged',
  data: { shoppingListId: 'l1', status: value, ...(botId ? { botId } : {}), at: at(second) },
  at: at(second),
});
const made = (second: number): TrackingEvent => ({
  type: 'search.ShoppingListMade',
  data: {
    shoppingListId: 'l1',
    stops: [
      {
        storeId: 's1',
        storeName: 'Lumen',
        storeLocation: 'L1',
        items: [{ productId: 'p1', productName: 'Lamp', quantity: 2 }],
      },
    ],
    at: at(second),
  },
  at: at(second),
});

describe('the order tracking fold', () => {
  it('is placing from its checkout, and pending once Ordering made it, with the order’s own lines', () => {
    const placing = fold(checkedOut(0));
    expect(placing).toMatchObject({ status: 'placing', customerId: 'c1', totalCents: 1000 });
    expect(customerMayCancel(placing)).toBe(true);
    const pending = evolveTracking(placing, ORDER, placed(1, 3));
    expect(pending).toMatchObject({
      status: 'pending',
      orderStatus: 'pending',
      totalCents: 1500,
      placedAt: at(0),
    });
  });

  it('keeps the order’s lines when the checkout is told after the order', () => {
    const tracked = fold(placed(1, 3), checkedOut(0));
    expect(tracked).toMatchObject({ status: 'pending', totalCents: 1500, placedAt: at(0) });
    expect(tracked.steps.map((step) => step.step)).toEqual(['checkedOut', 'received']);
  });

  it('is shopping only while an approved order’s list is in a bot’s hands, and ready with its final total', () => {
    const assignedFirst = fold(placed(1), made(2), list(3, 'available'), list(4, 'assigned', 'bot-1'));
    expect(assignedFirst.status).toBe('pending');
    const approved = evolveTracking(assignedFirst, ORDER, status(5, 'approved'));
    expect(approved.status).toBe('shopping');
    const ready = evolveTracking(
      evolveTracking(approved, ORDER, list(6, 'completed')),
      ORDER,
      status(7, 'ready', 700),
    );
    expect(ready).toMatchObject({ status: 'ready', totalCents: 700 });
    expect(customerMayCancel(ready)).toBe(false);
    // Sorted by when each happened, though learnt in another order.
    expect(ready.steps.map((step) => step.step)).toEqual([
      'received',
      'shoppingListMade',
      'shoppingListAvailable',
      'botAssigned',
      'approved',
      'botReturned',
      'ready',
    ]);
  });

  it('never lets a late message undo a completed or canceled list', () => {
    const done = fold(placed(1), made(2), list(3, 'assigned', 'bot-1'), list(4, 'completed'));
    expect(evolveTracking(done, ORDER, list(5, 'available')).shoppingList).toMatchObject({
      status: 'completed',
      botId: 'bot-1',
    });
    const canceled = fold(placed(1), made(2), list(3, 'canceled'));
    expect(evolveTracking(canceled, ORDER, list(4, 'assigned', 'bot-2')).shoppingList?.status).toBe(
      'canceled',
    );
  });

  it('keeps a report told before the stops, on its stop, once they are told', () => {
    const reported = fold(placed(1), {
      type: 'search.ShoppingItemReported',
      data: {
        shoppingListId: 'l1',
        botId: 'bot-1',
        storeId: 's1',
        productId: 'p1',
        outcome: 'unavailable',
        at: at(3),
      },
      at: at(3),
    });
    const withStops = evolveTracking(reported, ORDER, made(2));
    expect(withStops.shoppingList?.stops).toEqual([
      {
        storeId: 's1',
        storeName: 'Lumen',
        storeLocation: 'L1',
        items: [{ productId: 'p1', productName: 'Lamp', quantity: 2, outcome: 'unavailable' }],
      },
    ]);
  });
});
