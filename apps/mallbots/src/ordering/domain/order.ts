import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';
import type { OrderEvent, OrderItemRecorded } from './events.js';

/**
 * `unknown` until the order is created: loading a stream that does not exist gives that empty state.
 * `pending` waits for the create-order saga, which approves or rejects it; an approved order is shopped, then
 * `ready` for pickup, then `completed` once paid. It can be `canceled` while pending or approved.
 */
export type Status = 'unknown' | 'pending' | 'approved' | 'rejected' | 'ready' | 'completed' | 'canceled';

/** A line of the order, as the basket had it at checkout. */
export type Item = Readonly<OrderItemRecorded> & {
  /** The store could not supply it (reported by the bot): it is not charged. */
  readonly unavailable?: true;
};

export type CanceledBy = 'customer' | 'staff';

/** An order line a store could not supply. */
export interface UnavailableLine {
  readonly storeId: string;
  readonly productId: string;
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
  /** Set when the order is canceled: who did, and the staff's reason. */
  readonly cancellation?: { readonly by: CanceledBy; readonly reason?: string };
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
        return {
          ...state,
          status: 'canceled',
          cancellation: {
            by: event.data.canceledBy,
            ...(event.data.reason === undefined ? {} : { reason: event.data.reason }),
          },
        };
      case 'ordering.OrderReadied': {
        const missing = new Set(event.data.unavailableItems.map(lineKey));
        return {
          ...state,
          status: 'ready',
          shoppingListId: event.data.shoppingListId ?? state.shoppingListId,
          items: state.items.map((item) =>
            missing.has(lineKey(item)) ? { ...item, unavailable: true as const } : item,
          ),
        };
      }
      case 'ordering.OrderCompleted':
        return { ...state, status: 'completed', invoiceId: event.data.invoiceId };
    }
  },
};

export const orderNotFound = () => notFound('order_not_found', 'order with that ID does not exist');

/** A line is one product from one store. */
const lineKey = (item: UnavailableLine) => `${item.storeId}/${item.productId}`;

/** The sum of the lines the customer gets, in cents: unavailable ones are not charged. */
export const totalCents = (state: Pick<State, 'items'>): number =>
  state.items.reduce(
    (total, item) => (item.unavailable ? total : total + item.priceCents * item.quantity),
    0,
  );

function mustExist(state: State) {
  if (state.status === 'unknown') throw orderNotFound();
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
  const customerId = nonBlank(
    input.customerId,
    'customer_id_blank',
    'the customer id cannot be blank',
    'customerId',
  );
  const paymentId = nonBlank(
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
  const shoppingListId = nonBlank(
    input.shoppingListId,
    'shopping_list_id_blank',
    'the shopping list id cannot be blank',
    'shoppingListId',
  );
  // Approving again with the same list is a no-op; so is the approval of an order whose list was shopped
  // before the approval was recorded (the saga makes the list available one step before it approves).
  const shopped = state.status === 'ready' || state.status === 'completed';
  if ((state.status === 'approved' || shopped) && state.shoppingListId === shoppingListId) return [];
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
  const reason = nonBlank(
    input.reason,
    'rejection_reason_blank',
    'the rejection reason cannot be blank',
    'reason',
  );
  if (state.status === 'rejected' || state.status === 'canceled') return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('order_not_pending', 'the order cannot be rejected: it is not pending');
  }
  return [{ type: 'ordering.OrderRejected', data: { reason } }];
}

const NOT_READIABLE: ReadonlySet<Status> = new Set(['ready', 'completed', 'canceled', 'rejected']);

const CANCELABLE: Record<CanceledBy, ReadonlySet<Status>> = {
  customer: new Set(['pending', 'approved']),
  staff: new Set(['pending', 'approved', 'ready']),
};

/**
 * The customer may cancel until the order is ready: once shopped it is too late (the goods are bagged at the
 * depot). The depot's staff may cancel a ready order too (it is never picked up), with a reason; a completed
 * order was paid and picked up. A second cancel is refused, as for baskets: retries of one request carry an
 * Idempotency-Key instead.
 */
export function cancel(state: State, input: { by: CanceledBy; reason?: string }): Event[] {
  mustExist(state);
  const reason =
    input.by === 'staff'
      ? nonBlank(input.reason ?? '', 'cancel_reason_blank', 'the reason cannot be blank', 'reason')
      : undefined;
  if (!CANCELABLE[input.by].has(state.status)) {
    throw failedPrecondition(
      'order_not_cancelable',
      state.status === 'ready' && input.by === 'customer'
        ? 'the order cannot be canceled: it is ready for pickup'
        : 'the order cannot be canceled',
    );
  }
  return [{ type: 'ordering.OrderCanceled', data: { canceledBy: input.by, ...(reason ? { reason } : {}) } }];
}

/**
 * A cancel of an order Ordering has not made yet, though its basket is checked out (the checkout is on its
 * way): the order is made from the checkout and canceled at once. The checkout, handled later, finds the same
 * order and records nothing (see `create`). An order that exists by now is canceled as any other.
 */
export function cancelPlacing(
  state: State,
  input: { checkout: OrderToCreate; by: CanceledBy; reason?: string },
): Event[] {
  const { checkout, ...cancellation } = input;
  if (state.status !== 'unknown') return cancel(state, cancellation);
  const created = create(state, checkout);
  return [...created, ...cancel(created.reduce(aggregate.evolve, state), cancellation)];
}

/** True when the events create an order and cancel it in the same save: it was canceled while being placed. */
export const canceledWhilePlacing = (events: readonly { type: string }[]) =>
  events.some((event) => event.type === 'ordering.OrderCreated') &&
  events.some((event) => event.type === 'ordering.OrderCanceled');

/**
 * Its shopping is done: the order waits at the depot, without the lines the stores could not supply. Readying
 * a ready or completed order is a no-op: the list's completion delivered again, possibly after the order was
 * paid. An unavailable line the order does not have is ignored (the depot's list is made from the order's
 * lines, so it names no other; a stranger must not make a paid-for order unready forever).
 */
export function ready(
  state: State,
  input: { shoppingListId?: string; unavailableItems: readonly UnavailableLine[] },
): Event[] {
  mustExist(state);
  // Delivered again, possibly after the order was paid; or shopped for an order that was canceled or rejected
  // meanwhile (its bot was recalled too late): nothing to make ready, nothing to charge.
  if (NOT_READIABLE.has(state.status)) return [];
  const listId = input.shoppingListId?.trim() || undefined;
  if (state.status === 'approved' && listId !== undefined && listId !== state.shoppingListId) {
    throw failedPrecondition('shopping_list_mismatch', 'the order was approved with another shopping list');
  }
  // Pending: the list was shopped before the saga's approval was recorded (it makes the list available one
  // step before it approves); the order is ready all the same, and the approval that follows is a no-op.
  const early = state.status === 'pending' && listId !== undefined;
  if (state.status === 'pending' && !early) {
    throw failedPrecondition('order_not_approved', 'the order cannot be readied: it is not approved');
  }
  const lines = new Set(state.items.map(lineKey));
  const unavailableItems = [
    ...new Map(
      input.unavailableItems
        .filter((item) => lines.has(lineKey(item)))
        .map(({ storeId, productId }) => [lineKey({ storeId, productId }), { storeId, productId }]),
    ).values(),
  ];
  return [
    {
      type: 'ordering.OrderReadied',
      data: { unavailableItems, ...(early ? { shoppingListId: listId } : {}) },
    },
  ];
}

/** Paid and picked up. Completing again with the same invoice is a no-op (a repeated event). */
export function complete(state: State, input: { invoiceId: string }): Event[] {
  mustExist(state);
  const invoiceId = nonBlank(
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
