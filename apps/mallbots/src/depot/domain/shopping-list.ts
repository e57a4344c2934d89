import {
  type AggregateType,
  alreadyExists,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  notFound,
} from '@tessera/platform/ddd';

export type ShoppingListStatus = 'pending' | 'available' | 'assigned' | 'active' | 'completed' | 'canceled';

export interface Item {
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
}

/** One store a bot visits, with what to pick up there. */
export interface Stop {
  readonly storeId: string;
  readonly storeName: string;
  readonly storeLocation: string;
  readonly items: readonly Item[];
}

/**
 * What a bot shops for one order: stops grouped by store, in the order the stores first appear among the
 * order's items. State-stored (one row), as the spec; the events say what changed, for the integration events.
 */
export interface State {
  readonly exists: boolean;
  readonly orderId: string;
  readonly stops: readonly Stop[];
  readonly status: ShoppingListStatus;
  /** The bot shopping it, from its assignment on. */
  readonly assignedBotId?: string;
}

export type Event =
  | DomainEvent<'depot.ShoppingListCreated', { orderId: string; stops: readonly Stop[] }>
  | DomainEvent<'depot.ShoppingListInitiated', Record<string, never>>
  | DomainEvent<'depot.ShoppingListCanceled', Record<string, never>>
  | DomainEvent<'depot.ShoppingListAssigned', { botId: string }>
  | DomainEvent<'depot.ShoppingListCompleted', Record<string, never>>;

export const aggregate: AggregateType<State, Event> = {
  name: 'depot.ShoppingList',
  initialState: { exists: false, orderId: '', stops: [], status: 'pending' },
  evolve(state, event) {
    switch (event.type) {
      case 'depot.ShoppingListCreated':
        return { exists: true, orderId: event.data.orderId, stops: event.data.stops, status: 'pending' };
      case 'depot.ShoppingListInitiated':
        return { ...state, status: 'available' };
      case 'depot.ShoppingListCanceled':
        return { ...state, status: 'canceled' };
      case 'depot.ShoppingListAssigned':
        return { ...state, status: 'assigned', assignedBotId: event.data.botId };
      case 'depot.ShoppingListCompleted':
        return { ...state, status: 'completed' };
    }
  },
};

/** An item of the order, with what the depot's caches know of its store and product. */
export interface ResolvedItem {
  readonly store: { readonly id: string; readonly name: string; readonly location: string };
  readonly product: { readonly id: string; readonly storeId: string; readonly name: string };
  readonly quantity: number;
}

export const shoppingListNotFound = () =>
  notFound('shopping_list_not_found', 'no shopping list with that ID');

/**
 * Groups the items by store. The same product twice adds up its quantities (the reference kept the first
 * and dropped the rest). A product must be sold by the store the order names for it.
 */
export function stopsOf(items: readonly ResolvedItem[]): Stop[] {
  const stops = new Map<string, { stop: Stop; items: Map<string, Item> }>();
  for (const { store, product, quantity } of items) {
    if (product.storeId !== store.id) {
      throw invalidArgument(
        'product_not_in_store',
        `the product ${product.id} is not sold by the store ${store.id}`,
        'items',
      );
    }
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw invalidArgument('item_quantity_not_positive', 'the item quantity must be at least 1', 'items');
    }
    let entry = stops.get(store.id);
    if (!entry) {
      entry = {
        stop: { storeId: store.id, storeName: store.name, storeLocation: store.location, items: [] },
        items: new Map(),
      };
      stops.set(store.id, entry);
    }
    const line = entry.items.get(product.id);
    entry.items.set(product.id, {
      productId: product.id,
      productName: product.name,
      quantity: (line?.quantity ?? 0) + quantity,
    });
  }
  return [...stops.values()].map(({ stop, items: lines }) => ({ ...stop, items: [...lines.values()] }));
}

export function create(state: State, input: { orderId: string; items: readonly ResolvedItem[] }): Event[] {
  if (state.exists) {
    throw alreadyExists('shopping_list_already_exists', 'a shopping list with that ID already exists');
  }
  if (input.items.length === 0) {
    throw invalidArgument('shopping_list_empty', 'the shopping list has no items', 'items');
  }
  return [
    { type: 'depot.ShoppingListCreated', data: { orderId: input.orderId, stops: stopsOf(input.items) } },
  ];
}

/** Pending becomes available to the bots (the reference left it pending). Initiating it again records nothing. */
export function initiate(state: State): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (state.status === 'available') return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('shopping_list_not_initiable', 'the shopping list cannot be initiated');
  }
  return [{ type: 'depot.ShoppingListInitiated', data: {} }];
}

const CANCELABLE: ReadonlySet<ShoppingListStatus> = new Set(['pending', 'available', 'assigned', 'active']);

/** The saga's compensation: any list not yet completed. Canceling a canceled list records nothing. */
export function cancel(state: State): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (state.status === 'canceled') return [];
  if (!CANCELABLE.has(state.status)) {
    throw failedPrecondition('shopping_list_not_cancelable', 'the shopping list cannot be canceled');
  }
  return [{ type: 'depot.ShoppingListCanceled', data: {} }];
}

/**
 * An available list goes to a bot. Assigning it again to the same bot records nothing (a retried request);
 * to another bot, or in any other status, it is refused.
 */
export function assign(state: State, input: { botId: string }): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  const botId = input.botId.trim();
  if (botId === '') throw invalidArgument('bot_id_blank', 'the bot id cannot be blank', 'botId');
  if (state.status === 'assigned' && state.assignedBotId === botId) return [];
  if (state.status !== 'available') {
    throw failedPrecondition('shopping_list_not_assignable', 'the shopping list cannot be assigned');
  }
  return [{ type: 'depot.ShoppingListAssigned', data: { botId } }];
}

/** Its bot shopped every stop. Completing a completed list records nothing (a retried request). */
export function complete(state: State): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (state.status === 'completed') return [];
  if (state.status !== 'assigned') {
    throw failedPrecondition('shopping_list_not_completable', 'the shopping list cannot be completed');
  }
  return [{ type: 'depot.ShoppingListCompleted', data: {} }];
}
