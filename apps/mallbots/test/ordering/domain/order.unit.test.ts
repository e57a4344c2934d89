import { createRegistry } from '@tessera/platform/registry';
import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { orderingEventTypes } from '../../../src/ordering/domain/events.js';
import * as Order from '../../../src/ordering/domain/order.js';

const spec = aggregateSpec(Order.aggregate);
const customerId = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';
const storeId = '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a';
const productId = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';
const otherProductId = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const shoppingListId = '3f2e1d0c-9b8a-4766-8544-332211009988';
const otherListId = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';

const robot: Order.Item = {
  storeId,
  productId,
  storeName: 'Robot Emporium',
  productName: 'Robot Arm',
  priceCents: 1999,
  quantity: 2,
};
const gear: Order.Item = {
  ...robot,
  productId: otherProductId,
  productName: 'Gear',
  priceCents: 29,
  quantity: 3,
};
const toCreate: Order.OrderToCreate = { customerId, paymentId: 'pay-1', items: [robot, gear] };

const created: Order.Event = { type: 'ordering.OrderCreated', data: { ...toCreate, items: [robot, gear] } };
const approved: Order.Event = { type: 'ordering.OrderApproved', data: { shoppingListId } };
const rejected: Order.Event = {
  type: 'ordering.OrderRejected',
  data: { reason: 'customer is not authorized' },
};
const canceled: Order.Event = { type: 'ordering.OrderCanceled', data: { canceledBy: 'customer' } };
const readied: Order.Event = { type: 'ordering.OrderReadied', data: { unavailableItems: [] } };
const customerCancels = (state: Order.State) => Order.cancel(state, { by: 'customer' });
const readyAll = (state: Order.State) => Order.ready(state, { unavailableItems: [] });
const completed: Order.Event = { type: 'ordering.OrderCompleted', data: { invoiceId: 'inv-1' } };

/** Every status an order can be in, and the history that leads there. */
const histories: Record<Exclude<Order.Status, 'unknown'>, Order.Event[]> = {
  pending: [created],
  approved: [created, approved],
  rejected: [created, rejected],
  ready: [created, approved, readied],
  completed: [created, approved, readied, completed],
  canceled: [created, canceled],
};
const statusesExcept = (...allowed: Order.Status[]) =>
  (Object.keys(histories) as Array<keyof typeof histories>).filter((status) => !allowed.includes(status));

const notFound = {
  kind: 'not_found',
  code: 'order_not_found',
  message: 'order with that ID does not exist',
} as const;

describe('Order: create', () => {
  it('records OrderCreated with trimmed ids; the order is pending, and its total is Σ price × quantity', () => {
    const state = spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, customerId: ` ${customerId} `, paymentId: ' pay-1 ' }))
      .thenEvents(created);
    expect(state).toEqual({
      status: 'pending',
      customerId,
      paymentId: 'pay-1',
      items: [robot, gear],
      shoppingListId: '',
      invoiceId: '',
      rejectionReason: '',
    });
    expect(Order.totalCents(state)).toBe(2 * 1999 + 3 * 29);
  });

  it('copies only the fields of an item', () => {
    const extra = { ...robot, colour: 'red' } as Order.Item;
    spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, items: [extra, gear] }))
      .thenEvents(created);
  });

  it('refuses an order with no items', () => {
    const error = spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, items: [] }))
      .thenFails({ kind: 'invalid_argument', code: 'order_items_empty', message: 'the order has no items' });
    expect(error.field).toBe('items');
  });

  it('refuses a blank customer id, naming the field', () => {
    const error = spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, customerId: ' ' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_id_blank',
        message: 'the customer id cannot be blank',
      });
    expect(error.field).toBe('customerId');
  });

  it('refuses a blank payment id, naming the field', () => {
    const error = spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, paymentId: '' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'payment_id_blank',
        message: 'the payment id cannot be blank',
      });
    expect(error.field).toBe('paymentId');
  });

  it.each([0, -1, 1.5])('refuses an item quantity of %s', (quantity) => {
    spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, items: [{ ...robot, quantity }] }))
      .thenFails({ kind: 'invalid_argument', code: 'item_quantity_not_positive' });
  });

  it.each([-1, 0.5])('refuses an item price of %s cents', (priceCents) => {
    spec
      .given()
      .when((s) => Order.create(s, { ...toCreate, items: [{ ...robot, priceCents }] }))
      .thenFails({ kind: 'invalid_argument', code: 'item_price_negative' });
  });

  it.each(Object.entries(histories))(
    'creating the same order again records nothing, even once %s',
    (_status, history) => {
      spec
        .given(...history)
        .when((s) => Order.create(s, toCreate))
        .thenEvents();
    },
  );

  it.each([
    ['another customer', { ...toCreate, customerId: otherListId }],
    ['another payment', { ...toCreate, paymentId: 'pay-2' }],
    ['other items', { ...toCreate, items: [robot] }],
    ['another quantity', { ...toCreate, items: [robot, { ...gear, quantity: 4 }] }],
  ])('refuses to recreate the order with %s', (_what, input) => {
    spec
      .given(created)
      .when((s) => Order.create(s, input))
      .thenFails({
        kind: 'already_exists',
        code: 'order_already_exists',
        message: 'the order cannot be recreated',
      });
  });
});

describe('Order: approve', () => {
  it('records OrderApproved with the shopping list of a pending order', () => {
    const state = spec
      .given(created)
      .when((s) => Order.approve(s, { shoppingListId }))
      .thenEvents(approved);
    expect(state).toMatchObject({ status: 'approved', shoppingListId });
  });

  it('approving again with the same shopping list records nothing', () => {
    spec
      .given(created, approved)
      .when((s) => Order.approve(s, { shoppingListId }))
      .thenEvents();
  });

  it('refuses to approve an approved order with another shopping list', () => {
    spec
      .given(created, approved)
      .when((s) => Order.approve(s, { shoppingListId: otherListId }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_pending',
        message: 'the order cannot be approved: it is not pending',
      });
  });

  it.each(statusesExcept('pending', 'approved', 'ready', 'completed'))(
    'refuses to approve a %s order',
    (status) => {
      spec
        .given(...histories[status])
        .when((s) => Order.approve(s, { shoppingListId }))
        .thenFails({ kind: 'failed_precondition', code: 'order_not_pending' });
    },
  );

  it.each(['ready', 'completed'] as const)(
    'takes the approval of a %s order with its list as done, and refuses another list',
    (status) => {
      spec
        .given(...histories[status])
        .when((s) => Order.approve(s, { shoppingListId }))
        .thenEvents();
      spec
        .given(...histories[status])
        .when((s) => Order.approve(s, { shoppingListId: otherListId }))
        .thenFails({ kind: 'failed_precondition', code: 'order_not_pending' });
    },
  );

  it('refuses a blank shopping list id', () => {
    spec
      .given(created)
      .when((s) => Order.approve(s, { shoppingListId: ' ' }))
      .thenFails({ kind: 'invalid_argument', code: 'shopping_list_id_blank' });
  });

  it('refuses an unknown order', () => {
    spec
      .given()
      .when((s) => Order.approve(s, { shoppingListId }))
      .thenFails(notFound);
  });
});

describe('Order: reject', () => {
  it('records OrderRejected with the reason', () => {
    const state = spec
      .given(created)
      .when((s) => Order.reject(s, { reason: ' customer is not authorized ' }))
      .thenEvents(rejected);
    expect(state).toMatchObject({ status: 'rejected', rejectionReason: 'customer is not authorized' });
  });

  it('rejecting again records nothing and keeps the first reason', () => {
    const state = spec
      .given(created, rejected)
      .when((s) => Order.reject(s, { reason: 'another reason' }))
      .thenEvents();
    expect(state.rejectionReason).toBe('customer is not authorized');
  });

  it('rejecting a canceled order records nothing: it will not be shopped either way', () => {
    const state = spec
      .given(...histories.canceled)
      .when((s) => Order.reject(s, { reason: 'payment declined' }))
      .thenEvents();
    expect(state.status).toBe('canceled');
  });

  it.each(statusesExcept('pending', 'rejected', 'canceled'))('refuses to reject a %s order', (status) => {
    spec
      .given(...histories[status])
      .when((s) => Order.reject(s, { reason: 'payment declined' }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_pending',
        message: 'the order cannot be rejected: it is not pending',
      });
  });

  it('refuses a blank reason', () => {
    spec
      .given(created)
      .when((s) => Order.reject(s, { reason: '' }))
      .thenFails({ kind: 'invalid_argument', code: 'rejection_reason_blank' });
  });

  it('refuses an unknown order', () => {
    spec
      .given()
      .when((s) => Order.reject(s, { reason: 'x' }))
      .thenFails(notFound);
  });
});

describe('Order: cancel', () => {
  it.each(['pending', 'approved'] as const)('records OrderCanceled for a %s order', (status) => {
    const state = spec
      .given(...histories[status])
      .when(customerCancels)
      .thenEvents(canceled);
    expect(state.status).toBe('canceled');
  });

  it('keeps the shopping list of an approved order, so its cancellation can name it', () => {
    const state = spec.given(created, approved).when(customerCancels).thenEvents(canceled);
    expect(state.shoppingListId).toBe(shoppingListId);
  });

  it.each(statusesExcept('pending', 'approved', 'ready'))('refuses to cancel a %s order', (status) => {
    spec
      .given(...histories[status])
      .when(customerCancels)
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_cancelable',
        message: 'the order cannot be canceled',
      });
  });

  it('tells a customer a ready order is too late to cancel', () => {
    spec
      .given(...histories.ready)
      .when(customerCancels)
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_cancelable',
        message: 'the order cannot be canceled: it is ready for pickup',
      });
  });

  it.each(['pending', 'approved', 'ready'] as const)(
    'lets the staff cancel a %s order, with the reason',
    (status) => {
      const state = spec
        .given(...histories[status])
        .when((s) => Order.cancel(s, { by: 'staff', reason: '  never picked up ' }))
        .thenEvents({
          type: 'ordering.OrderCanceled',
          data: { canceledBy: 'staff', reason: 'never picked up' },
        });
      expect(state.status).toBe('canceled');
      expect(state.cancellation).toEqual({ by: 'staff', reason: 'never picked up' });
    },
  );

  it.each(['completed', 'rejected', 'canceled'] as const)('refuses the staff a %s order', (status) => {
    spec
      .given(...histories[status])
      .when((s) => Order.cancel(s, { by: 'staff', reason: 'x' }))
      .thenFails({ kind: 'failed_precondition', code: 'order_not_cancelable' });
  });

  it('refuses a staff cancel without a reason, naming the field', () => {
    spec
      .given(...histories.approved)
      .when((s) => Order.cancel(s, { by: 'staff', reason: ' ' }))
      .thenFails({ kind: 'invalid_argument', code: 'cancel_reason_blank' });
  });

  it('refuses an unknown order', () => {
    spec.given().when(customerCancels).thenFails(notFound);
  });
});

describe('Order: ready', () => {
  it('records OrderReadied for an approved order', () => {
    const state = spec.given(created, approved).when(readyAll).thenEvents(readied);
    expect(state.status).toBe('ready');
  });

  it('readying a ready order records nothing', () => {
    spec.given(created, approved, readied).when(readyAll).thenEvents();
  });

  it('readying a completed order records nothing (the list completion delivered again)', () => {
    const state = spec
      .given(...histories.completed)
      .when(readyAll)
      .thenEvents();
    expect(state.status).toBe('completed');
  });

  it('refuses to ready a pending order without naming its shopped list', () => {
    spec
      .given(...histories.pending)
      .when(readyAll)
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_approved',
        message: 'the order cannot be readied: it is not approved',
      });
  });

  it('readies a pending order whose list was shopped before the approval was recorded; the approval is then a no-op', () => {
    const state = spec
      .given(created)
      .when((s) => Order.ready(s, { shoppingListId, unavailableItems: [] }))
      .thenEvents({ type: 'ordering.OrderReadied', data: { unavailableItems: [], shoppingListId } });
    expect(state).toMatchObject({ status: 'ready', shoppingListId });
    const early: Order.Event = {
      type: 'ordering.OrderReadied',
      data: { unavailableItems: [], shoppingListId },
    };
    spec
      .given(created, early)
      .when((s) => Order.approve(s, { shoppingListId }))
      .thenEvents();
    spec
      .given(created, early)
      .when((s) => Order.approve(s, { shoppingListId: otherListId }))
      .thenFails({ kind: 'failed_precondition', code: 'order_not_pending' });
  });

  it.each(['canceled', 'rejected'] as const)(
    'records nothing for a %s order whose list was shopped anyway',
    (status) => {
      spec
        .given(...histories[status])
        .when((s) => Order.ready(s, { shoppingListId, unavailableItems: [] }))
        .thenEvents();
    },
  );

  it('refuses a list other than the one the order was approved with', () => {
    spec
      .given(created, approved)
      .when((s) => Order.ready(s, { shoppingListId: otherListId, unavailableItems: [] }))
      .thenFails({ kind: 'failed_precondition', code: 'shopping_list_mismatch' });
  });

  it('refuses an unknown order', () => {
    spec.given().when(readyAll).thenFails(notFound);
  });

  it('does not charge the lines the stores could not supply', () => {
    const missing = { storeId: gear.storeId, productId: gear.productId };
    const state = spec
      .given(created, approved)
      .when((s) => Order.ready(s, { unavailableItems: [missing, missing] }))
      .thenEvents({ type: 'ordering.OrderReadied', data: { unavailableItems: [missing] } });
    expect(Order.totalCents(state)).toBe(robot.priceCents * robot.quantity);
    expect(state.items.find((item) => item.productId === gear.productId)?.unavailable).toBe(true);
    expect(state.items.find((item) => item.productId === robot.productId)?.unavailable).toBeUndefined();
  });

  it('ignores an unavailable line the order does not have', () => {
    const stranger = { storeId: gear.storeId, productId: '00000000-0000-4000-8000-000000000000' };
    const state = spec
      .given(created, approved)
      .when((s) => Order.ready(s, { unavailableItems: [stranger] }))
      .thenEvents(readied);
    expect(Order.totalCents(state)).toBe(robot.priceCents * robot.quantity + gear.priceCents * gear.quantity);
  });
});

describe('Order: complete', () => {
  it('records OrderCompleted with the invoice of a ready order', () => {
    const state = spec
      .given(created, approved, readied)
      .when((s) => Order.complete(s, { invoiceId: 'inv-1' }))
      .thenEvents(completed);
    expect(state).toMatchObject({ status: 'completed', invoiceId: 'inv-1' });
  });

  it('completing again with the same invoice records nothing', () => {
    spec
      .given(...histories.completed)
      .when((s) => Order.complete(s, { invoiceId: 'inv-1' }))
      .thenEvents();
  });

  it('refuses to complete a completed order with another invoice', () => {
    spec
      .given(...histories.completed)
      .when((s) => Order.complete(s, { invoiceId: 'inv-2' }))
      .thenFails({ kind: 'failed_precondition', code: 'order_not_ready' });
  });

  it.each(statusesExcept('ready', 'completed'))('refuses to complete a %s order', (status) => {
    spec
      .given(...histories[status])
      .when((s) => Order.complete(s, { invoiceId: 'inv-1' }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'order_not_ready',
        message: 'the order cannot be completed: it is not ready',
      });
  });

  it('refuses a blank invoice id', () => {
    spec
      .given(created, approved, readied)
      .when((s) => Order.complete(s, { invoiceId: ' ' }))
      .thenFails({ kind: 'invalid_argument', code: 'invoice_id_blank' });
  });

  it('refuses an unknown order', () => {
    spec
      .given()
      .when((s) => Order.complete(s, { invoiceId: 'inv-1' }))
      .thenFails(notFound);
  });
});

describe('Order events stored at version 1', () => {
  const registry = createRegistry(...orderingEventTypes);

  it('reads a version-1 cancel as the customer’s', () => {
    expect(registry.decode('ordering.OrderCanceled', 1, {}, { validate: true })).toEqual({
      canceledBy: 'customer',
    });
  });

  it('reads a version-1 readying as every line supplied', () => {
    expect(registry.decode('ordering.OrderReadied', 1, {}, { validate: true })).toEqual({
      unavailableItems: [],
    });
  });

  it('writes both at version 2', () => {
    expect(registry.encode('ordering.OrderCanceled', { canceledBy: 'staff', reason: 'x' }).version).toBe(2);
    expect(registry.encode('ordering.OrderReadied', { unavailableItems: [] }).version).toBe(2);
    expect(registry.encode('ordering.OrderApproved', { shoppingListId }).version).toBe(1);
  });
});
