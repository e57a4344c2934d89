import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Basket from '../../../src/baskets/domain/basket.js';

const spec = aggregateSpec(Basket.aggregate);
const customerId = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';
const storeId = '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a';
const productId = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';
const otherProductId = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const started: Basket.Event = { type: 'baskets.BasketStarted', data: { customerId } };
const item = (quantity: number, id = productId, priceCents = 999): Basket.Event => ({
  type: 'baskets.BasketItemAdded',
  data: { storeId, productId: id, storeName: 'Corner Shop', productName: 'Widget', priceCents, quantity },
});
const removed = (quantity: number, id = productId): Basket.Event => ({
  type: 'baskets.BasketItemRemoved',
  data: { productId: id, quantity },
});
const canceled: Basket.Event = { type: 'baskets.BasketCanceled', data: {} };
const checkedOut: Basket.Event = { type: 'baskets.BasketCheckedOut', data: { paymentId: 'pay-1' } };

const toAdd = (quantity: number, id = productId, priceCents = 999): Basket.ItemToAdd => ({
  product: { id, storeId, name: 'Widget', priceCents },
  store: { id: storeId, name: 'Corner Shop' },
  quantity,
});

const notFound = { kind: 'not_found', code: 'basket_not_found' } as const;
const notOpen = {
  kind: 'failed_precondition',
  code: 'basket_not_open',
  message: 'the basket cannot be modified',
} as const;
const badQuantity = {
  kind: 'invalid_argument',
  code: 'item_quantity_not_positive',
  message: 'the item quantity must be at least 1',
} as const;

describe('Basket: start', () => {
  it('records BasketStarted with the trimmed customer id; the basket is open and empty', () => {
    const state = spec
      .given()
      .when((s) => Basket.start(s, { customerId: ` ${customerId} `, registered: true }))
      .thenEvents(started);
    expect(state).toEqual({ status: 'open', customerId, paymentId: '', items: [] });
  });

  it('refuses a blank customer id, naming the field', () => {
    const error = spec
      .given()
      .when((s) => Basket.start(s, { customerId: '  ', registered: false }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_id_blank',
        message: 'the customer id cannot be blank',
      });
    expect(error.field).toBe('customerId');
  });

  it('refuses a customer Customers does not know, naming the field', () => {
    const error = spec
      .given()
      .when((s) => Basket.start(s, { customerId, registered: false }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_not_registered',
        message: 'no customer is registered with that ID',
      });
    expect(error.field).toBe('customerId');
  });

  it('refuses to start a basket twice', () => {
    spec
      .given(started)
      .when((s) => Basket.start(s, { customerId, registered: true }))
      .thenFails({ kind: 'already_exists', code: 'basket_already_exists' });
  });
});

describe('Basket: add item', () => {
  it('records the item with the names and price it is added with', () => {
    const state = spec
      .given(started)
      .when((s) => Basket.addItem(s, toAdd(2)))
      .thenEvents(item(2));
    expect(state.items).toEqual([item(2).data]);
    expect(Basket.totalCents(state)).toBe(1998);
  });

  it('adds to the line of a product already in the basket, keeping its first price', () => {
    const state = spec
      .given(started, item(2))
      .when((s) => Basket.addItem(s, toAdd(3, productId, 1200)))
      .thenEvents(item(3, productId, 1200));
    expect(state.items).toEqual([{ ...item(2).data, quantity: 5 }]);
  });

  it('keeps lines in the order products were first added', () => {
    const state = spec
      .given(started, item(1), item(1, otherProductId, 100))
      .when((s) => Basket.addItem(s, toAdd(1)))
      .thenEvents(item(1));
    expect(state.items.map((line) => [line.productId, line.quantity])).toEqual([
      [productId, 2],
      [otherProductId, 1],
    ]);
    expect(Basket.totalCents(state)).toBe(2 * 999 + 100);
  });

  it.each([0, -1, -100])('refuses quantity %d', (quantity) => {
    const error = spec
      .given(started)
      .when((s) => Basket.addItem(s, toAdd(quantity)))
      .thenFails(badQuantity);
    expect(error.field).toBe('quantity');
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses quantity %d as not whole', (quantity) => {
    spec
      .given(started)
      .when((s) => Basket.addItem(s, toAdd(quantity)))
      .thenFails({ kind: 'invalid_argument', code: 'item_quantity_not_whole' });
  });

  it('refuses an unknown basket', () => {
    spec
      .given()
      .when((s) => Basket.addItem(s, toAdd(1)))
      .thenFails(notFound);
  });

  it.each([
    ['canceled', [started, canceled]],
    ['checked out', [started, item(1), checkedOut]],
  ] as const)('refuses a %s basket', (_status, history) => {
    spec
      .given(...history)
      .when((s) => Basket.addItem(s, toAdd(1)))
      .thenFails(notOpen);
  });
});

describe('Basket: remove item', () => {
  it('takes the quantity off the line', () => {
    const state = spec
      .given(started, item(5))
      .when((s) => Basket.removeItem(s, { productId, quantity: 2 }))
      .thenEvents(removed(2));
    expect(state.items).toEqual([{ ...item(5).data, quantity: 3 }]);
  });

  it('keeps a line left with 1 (the reference deleted it: off by one, §14.10)', () => {
    const state = spec
      .given(started, item(2))
      .when((s) => Basket.removeItem(s, { productId, quantity: 1 }))
      .thenEvents(removed(1));
    expect(state.items).toEqual([{ ...item(2).data, quantity: 1 }]);
  });

  it('deletes the line when its quantity reaches 0', () => {
    const state = spec
      .given(started, item(2), item(1, otherProductId))
      .when((s) => Basket.removeItem(s, { productId, quantity: 2 }))
      .thenEvents(removed(2));
    expect(state.items.map((line) => line.productId)).toEqual([otherProductId]);
  });

  it('deletes the line when more is removed than is in the basket', () => {
    const state = spec
      .given(started, item(2))
      .when((s) => Basket.removeItem(s, { productId, quantity: 7 }))
      .thenEvents(removed(7));
    expect(state.items).toEqual([]);
    expect(Basket.totalCents(state)).toBe(0);
  });

  it('records nothing for a product that is not in the basket', () => {
    spec
      .given(started, item(2))
      .when((s) => Basket.removeItem(s, { productId: otherProductId, quantity: 1 }))
      .thenEvents();
  });

  it('records nothing for a product removed entirely before', () => {
    spec
      .given(started, item(2), removed(2))
      .when((s) => Basket.removeItem(s, { productId, quantity: 1 }))
      .thenEvents();
  });

  it.each([0, -3])('refuses quantity %d', (quantity) => {
    spec
      .given(started, item(2))
      .when((s) => Basket.removeItem(s, { productId, quantity }))
      .thenFails(badQuantity);
  });

  it('refuses an unknown basket and a closed one', () => {
    spec
      .given()
      .when((s) => Basket.removeItem(s, { productId, quantity: 1 }))
      .thenFails(notFound);
    spec
      .given(started, item(1), checkedOut)
      .when((s) => Basket.removeItem(s, { productId, quantity: 1 }))
      .thenFails(notOpen);
  });
});

describe('Basket: cancel', () => {
  it('cancels an open basket and empties it', () => {
    const state = spec.given(started, item(2)).when(Basket.cancel).thenEvents(canceled);
    expect(state).toMatchObject({ status: 'canceled', items: [] });
  });

  it.each([
    ['canceled', [started, canceled]],
    ['checked out', [started, item(1), checkedOut]],
  ] as const)('refuses a %s basket', (_status, history) => {
    spec
      .given(...history)
      .when(Basket.cancel)
      .thenFails({
        kind: 'failed_precondition',
        code: 'basket_not_cancelable',
        message: 'the basket cannot be canceled',
      });
  });

  it('refuses an unknown basket', () => {
    spec.given().when(Basket.cancel).thenFails(notFound);
  });
});

describe('Basket: checkout', () => {
  it('checks out an open basket with items and a trimmed payment id', () => {
    const state = spec
      .given(started, item(2))
      .when((s) => Basket.checkout(s, { paymentId: ' pay-1 ' }))
      .thenEvents(checkedOut);
    expect(state).toMatchObject({ status: 'checked_out', paymentId: 'pay-1', items: [item(2).data] });
  });

  it('refuses an empty basket, also one emptied by removals', () => {
    const empty = {
      kind: 'failed_precondition',
      code: 'basket_empty',
      message: 'the basket has no items',
    } as const;
    spec
      .given(started)
      .when((s) => Basket.checkout(s, { paymentId: 'pay-1' }))
      .thenFails(empty);
    spec
      .given(started, item(1), removed(1))
      .when((s) => Basket.checkout(s, { paymentId: 'pay-1' }))
      .thenFails(empty);
  });

  it('refuses a blank payment id, naming the field', () => {
    const error = spec
      .given(started, item(1))
      .when((s) => Basket.checkout(s, { paymentId: ' ' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'payment_id_blank',
        message: 'the payment id cannot be blank',
      });
    expect(error.field).toBe('paymentId');
  });

  it('refuses a basket that is not open, or unknown', () => {
    spec
      .given(started, item(1), checkedOut)
      .when((s) => Basket.checkout(s, { paymentId: 'pay-2' }))
      .thenFails(notOpen);
    spec
      .given(started, canceled)
      .when((s) => Basket.checkout(s, { paymentId: 'pay-2' }))
      .thenFails(notOpen);
    spec
      .given()
      .when((s) => Basket.checkout(s, { paymentId: 'pay-2' }))
      .thenFails(notFound);
  });
});
