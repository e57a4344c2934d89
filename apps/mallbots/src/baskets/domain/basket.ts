import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';
import type { BasketEvent, BasketItemAdded } from './events.js';

/** `unknown` until the basket is started: loading a stream that does not exist gives that empty state. */
export type Status = 'unknown' | 'open' | 'canceled' | 'checked_out';

/** A line of the basket: what was added, with the names and price the caches gave at the time. */
export type Item = Readonly<BasketItemAdded>;

/** A customer's basket at the kiosk. Items are a list in the order first added (plain JSON for snapshots). */
export interface State {
  readonly status: Status;
  readonly customerId: string;
  readonly paymentId: string;
  readonly items: readonly Item[];
}

export type Event = BasketEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'baskets.Basket',
  initialState: { status: 'unknown', customerId: '', paymentId: '', items: [] },
  evolve(state, event) {
    switch (event.type) {
      case 'baskets.BasketStarted':
        return { ...state, status: 'open', customerId: event.data.customerId };
      case 'baskets.BasketItemAdded': {
        const added = event.data;
        const present = state.items.some((item) => item.productId === added.productId);
        // The same product again adds to its line; the line keeps the price it was first added with.
        const items = present
          ? state.items.map((item) =>
              item.productId === added.productId
                ? { ...item, quantity: item.quantity + added.quantity }
                : item,
            )
          : [...state.items, added];
        return { ...state, items };
      }
      case 'baskets.BasketItemRemoved': {
        const { productId, quantity } = event.data;
        // A line whose quantity reaches 0 (or would go below) is gone. The reference deleted at 1 (§14.10).
        const items = state.items.flatMap((item) => {
          if (item.productId !== productId) return [item];
          const left = item.quantity - quantity;
          return left > 0 ? [{ ...item, quantity: left }] : [];
        });
        return { ...state, items };
      }
      case 'baskets.BasketCanceled':
        return { ...state, status: 'canceled', items: [] };
      case 'baskets.BasketCheckedOut':
        return { ...state, status: 'checked_out', paymentId: event.data.paymentId };
    }
  },
};

export const basketNotFound = () => notFound('basket_not_found', 'basket with that ID does not exist');
export const productNotFound = (id: string) =>
  notFound('product_not_found', `product ${id} was not located in Stores`);
export const storeNotFound = (id: string) =>
  notFound('store_not_found', `store ${id} was not located in Stores`);
export const customerNotRegistered = () =>
  invalidArgument('customer_not_registered', 'no customer is registered with that ID', 'customerId');

/** What a checkout hands on (to Ordering, in its message or when asked): undefined unless checked out. */
export function checkoutOf(id: string, state: State) {
  if (state.status !== 'checked_out') return undefined;
  return {
    id,
    customerId: state.customerId,
    paymentId: state.paymentId,
    items: state.items.map((item) => ({ ...item })),
  };
}

/** The sum of the lines, in cents. */
export const totalCents = (state: Pick<State, 'items'>): number =>
  state.items.reduce((total, item) => total + item.priceCents * item.quantity, 0);

function mustExist(state: State) {
  if (state.status === 'unknown') throw basketNotFound();
}

function mustBeOpen(state: State) {
  mustExist(state);
  if (state.status !== 'open') {
    throw failedPrecondition('basket_not_open', 'the basket cannot be modified');
  }
}

function quantityOf(quantity: number) {
  if (!Number.isSafeInteger(quantity)) {
    throw invalidArgument('item_quantity_not_whole', 'the item quantity must be a whole number', 'quantity');
  }
  // 0 is refused too: an add or remove of nothing is a client mistake, not a no-op to record.
  if (quantity < 1) {
    throw invalidArgument('item_quantity_not_positive', 'the item quantity must be at least 1', 'quantity');
  }
  return quantity;
}

/** `registered`: whether Customers knows the customer, as it answered just before. */
export function start(state: State, input: { customerId: string; registered: boolean }): Event[] {
  if (state.status !== 'unknown')
    throw alreadyExists('basket_already_exists', 'a basket with that ID exists');
  const customerId = nonBlank(
    input.customerId,
    'customer_id_blank',
    'the customer id cannot be blank',
    'customerId',
  );
  if (!input.registered) throw customerNotRegistered();
  return [{ type: 'baskets.BasketStarted', data: { customerId } }];
}

/**
 * The rules an item change must pass before anything is looked up: the application calls this first, so a
 * bad request never costs a call to Stores. The command functions check them again on the fresh state.
 */
export function checkItemChange(state: State, input: { quantity: number }): void {
  mustExist(state);
  quantityOf(input.quantity);
  mustBeOpen(state);
}

export interface ItemToAdd {
  /** The product and its store as the caches (or Stores itself) know them now. */
  readonly product: {
    readonly id: string;
    readonly storeId: string;
    readonly name: string;
    readonly priceCents: number;
  };
  readonly store: { readonly id: string; readonly name: string };
  readonly quantity: number;
}

export function addItem(state: State, input: ItemToAdd): Event[] {
  checkItemChange(state, input);
  const { product, store } = input;
  return [
    {
      type: 'baskets.BasketItemAdded',
      data: {
        storeId: store.id,
        productId: product.id,
        storeName: store.name,
        productName: product.name,
        priceCents: product.priceCents,
        quantity: input.quantity,
      },
    },
  ];
}

/** Removing a product that is not in the basket records nothing; removing more than there is removes the line. */
export function removeItem(state: State, input: { productId: string; quantity: number }): Event[] {
  checkItemChange(state, input);
  if (!state.items.some((item) => item.productId === input.productId)) return [];
  return [
    { type: 'baskets.BasketItemRemoved', data: { productId: input.productId, quantity: input.quantity } },
  ];
}

export function cancel(state: State): Event[] {
  mustExist(state);
  if (state.status !== 'open') {
    throw failedPrecondition('basket_not_cancelable', 'the basket cannot be canceled');
  }
  return [{ type: 'baskets.BasketCanceled', data: {} }];
}

export function checkout(state: State, input: { paymentId: string }): Event[] {
  mustBeOpen(state);
  const paymentId = nonBlank(
    input.paymentId,
    'payment_id_blank',
    'the payment id cannot be blank',
    'paymentId',
  );
  if (state.items.length === 0) throw failedPrecondition('basket_empty', 'the basket has no items');
  return [{ type: 'baskets.BasketCheckedOut', data: { paymentId } }];
}
