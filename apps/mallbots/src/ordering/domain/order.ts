import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  notFound,
} from '@tessera/platform/ddd';
import type { OrderEvent } from './events.js';

/**
 * `unknown` until the order is created: loading a stream that does not exist gives that empty state.
 * `pending` waits for the create-order saga, which approves or rejects it; an approved order is shopped, then
 * `ready` for pickup, then `completed` once paid. It can be `cancelled` while pending or approved.
 */
export type Status = 'unknown' | 'pending' | 'approved' | 'rejected' | 'ready' | 'completed' | 'cancelled';

/** A line of the order, as the basket had it at checkout. */
export interface Item {
  readonly storeId: string;
  readonly productId: string;
  readonly storeName: string;
  readonly productName: string;
  readonly priceCents: number;
  readonly quantity: number;
}

/** An order. Ids not known yet are '' (plain JSON, so the state is its own snapshot). */
export interface State {
  readonly status: Status;
  readonly customerId: string;
  readonly paymentId: string;
  readonly items: readonly Item[];
  /** Set when the saga approves the order. */
  readonly shoppingListId: string;
  /** Set when the order is completed (paid). */
  readonly invoiceId: string;
  /** Why the saga rejected the order. */
  readonly rejectionReason: string;
}

export type Event = OrderEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'ordering.Order',
  initialState: {
    status: 'unknown',
    customerId: '',
    paymentId: '',
    items: [],
    shoppingListId: '',
    invoiceId: '',
    rejectionReason: '',
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ordering.OrderCreated':
        return { ...state, status: 'pending', ...event.data };
      case 'ordering.OrderApproved':
        return { ...state, status: 'approved', shoppingListId: event.data.shoppingListId };
      case 'ordering.OrderRejected':
        return { ...state, status: 'rejected', rejectionReason: event.data.reason };
      case 'ordering.OrderCanceled':
        return { ...state, status: 'cancelled' };
      case 'ordering.OrderReadied':
        return { ...state, status: 'ready' };
      case 'ordering.OrderCompleted':
        return { ...state, status: 'completed', invoiceId: event.data.invoiceId };
    }
  },
};

export const orderNotFound = () => notFound('order_not_found', 'order with that ID does not exist');

/** The sum of the lines, in cents. */
export const totalCents = (state: Pick<State, 'items'>): number =>
  state.items.reduce((total, item) => total + item.priceCents * item.quantity, 0);

function mustExist(state: State) {
  if (state.status === 'unknown') throw orderNotFound();
}

function required(value: string, code: string, message: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidArgument(code, message, field);
  return trimmed;
}

function checkedItems(items: readonly Item[]): Item[] {
  if (items.length === 0) throw invalidArgument('order_items_empty', 'the order has no items', 'items');
  return items.map((item) => {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw invalidArgument('item_quantity_not_positive', 'the item quantity must be at least 1', 'items');
    }
    if (!Number.isSafeInteger(item.priceCents) || item.priceCents < 0) {
      throw invalidArgument('item_price_negative', 'the item price cannot be negative', 'items');
    }
    const { storeId, productId, storeName, productName, priceCents, quantity } = item;
    return { storeId, productId, storeName, productName, priceCents, quantity };
  });
}

const sameItems = (a: readonly Item[], b: readonly Item[]) =>
  a.length === b.length &&
  a.every((item, index) => {
    const other = b[index]!;
    return (
      item.storeId === other.storeId &&
      item.productId === other.productId &&
      item.storeName === other.storeName &&
      item.productName === other.productName &&
      item.priceCents === other.priceCents &&
      item.quantity === other.quantity
    );
  });

export interface OrderToCreate {
  readonly customerId: string;
  readonly paymentId: string;
  readonly items: readonly Item[];
}

/**
 * Creates the order of a checked-out basket. The same order again (a redelivered checkout) records nothing,
 * whatever the order's status now; a different order under an existing id is refused.
 */
export function create(state: State, input: OrderToCreate): Event[] {
  const items = checkedItems(input.items);
  const customerId = required(
    input.customerId,
    'customer_id_blank',
    'the customer id cannot be blank',
    'customerId',
  );
  const paymentId = required(
    input.paymentId,
    'payment_id_blank',
    'the payment id cannot be blank',
    'paymentId',
  );
  if (state.status !== 'unknown') {
    const same =
      state.customerId === customerId && state.paymentId === paymentId && sameItems(state.items, items);
    if (same) return [];
    throw alreadyExists('order_already_exists', 'the order cannot be recreated');
  }
  return [{ type: 'ordering.OrderCreated', data: { customerId, paymentId, items } }];
}

/** The saga's last step: the order's shopping list is being shopped. Approving again with the same list is a no-op. */
export function approve(state: State, input: { shoppingListId: string }): Event[] {
  mustExist(state);
  const shoppingListId = required(
    input.shoppingListId,
    'shopping_list_id_blank',
    'the shopping list id cannot be blank',
    'shoppingListId',
  );
  if (state.status === 'approved' && state.shoppingListId === shoppingListId) return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('order_not_pending', 'the order cannot be approved: it is not pending');
  }
  return [{ type: 'ordering.OrderApproved', data: { shoppingListId } }];
}

/**
 * The saga's compensation: the order will not be shopped. Rejecting a rejected order is a no-op (the first
 * reason stays), and so is rejecting one the customer canceled meanwhile: either way it will not be shopped.
 */
export function reject(state: State, input: { reason: string }): Event[] {
  mustExist(state);
  const reason = required(
    input.reason,
    'rejection_reason_blank',
    'the rejection reason cannot be blank',
    'reason',
  );
  if (state.status === 'rejected' || state.status === 'cancelled') return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('order_not_pending', 'the order cannot be rejected: it is not pending');
  }
  return [{ type: 'ordering.OrderRejected', data: { reason } }];
}

/**
 * The customer cancels: possible until the order is ready. Once shopped, it is too late (the goods are
 * bagged at the depot). A second cancel is refused, as for baskets: retries of one request carry an
 * Idempotency-Key instead.
 */
export function cancel(state: State): Event[] {
  mustExist(state);
  if (state.status !== 'pending' && state.status !== 'approved') {
    throw failedPrecondition('order_not_cancelable', 'the order cannot be cancelled');
  }
  return [{ type: 'ordering.OrderCanceled', data: {} }];
}

/**
 * Its shopping is done: the order waits at the depot. Readying a ready or completed order is a no-op: the
 * list's completion delivered again, possibly after the order was paid.
 */
export function ready(state: State): Event[] {
  mustExist(state);
  if (state.status === 'ready' || state.status === 'completed') return [];
  if (state.status !== 'approved') {
    throw failedPrecondition('order_not_approved', 'the order cannot be readied: it is not approved');
  }
  return [{ type: 'ordering.OrderReadied', data: {} }];
}

/** Paid and picked up. Completing again with the same invoice is a no-op (a repeated event). */
export function complete(state: State, input: { invoiceId: string }): Event[] {
  mustExist(state);
  const invoiceId = required(
    input.invoiceId,
    'invoice_id_blank',
    'the invoice id cannot be blank',
    'invoiceId',
  );
  if (state.status === 'completed' && state.invoiceId === invoiceId) return [];
  if (state.status !== 'ready') {
    throw failedPrecondition('order_not_ready', 'the order cannot be completed: it is not ready');
  }
  return [{ type: 'ordering.OrderCompleted', data: { invoiceId } }];
}
