import {
  type AggregateType,
  alreadyExists,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';

export type ShoppingListStatus = 'pending' | 'available' | 'assigned' | 'active' | 'completed' | 'canceled';
/** What the bot found at the store: the whole quantity, or none of it (a partial pick is not modelled). */
export type ItemOutcome = 'picked' | 'unavailable';

export interface Item {
  readonly productId: string;
  readonly productName: string;
  readonly quantity: number;
  /** Set once the bot holding the list reports the item. */
  readonly outcome?: ItemOutcome;
}

/** An order line a store could not supply, as the completion names it. */
export interface UnavailableItem {
  readonly storeId: string;
  readonly productId: string;
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
  | DomainEvent<'depot.ShoppingListAssigned', { botId: string; botName?: string }>
  | DomainEvent<
      'depot.ShoppingListItemReported',
      { storeId: string; productId: string; outcome: ItemOutcome }
    >
  /** Its bot vanished: the list is available again, its reports forgotten (the goods left with the bot). */
  | DomainEvent<'depot.ShoppingListReleased', { botId: string }>
  | DomainEvent<'depot.ShoppingListCompleted', { unavailableItems: readonly UnavailableItem[] }>;

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
      case 'depot.ShoppingListItemReported': {
        const { storeId, productId, outcome } = event.data;
        const stops = state.stops.map((stop) =>
          stop.storeId !== storeId
            ? stop
            : {
                ...stop,
                items: stop.items.map((item) => (item.productId === productId ? { ...item, outcome } : item)),
              },
        );
        return { ...state, stops, status: 'active' };
      }
      case 'depot.ShoppingListReleased': {
        const stops = state.stops.map((stop) => ({
          ...stop,
          items: stop.items.map(({ productId, productName, quantity }) => ({
            productId,
            productName,
            quantity,
          })),
        }));
        const { assignedBotId: _released, ...rest } = state;
        return { ...rest, stops, status: 'available' };
      }
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
export function assign(state: State, input: { botId: string; botName?: string }): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  const botId = nonBlank(input.botId, 'bot_id_blank', 'the bot id cannot be blank', 'botId');
  if (state.status === 'assigned' && state.assignedBotId === botId) return [];
  if (state.status !== 'available') {
    throw failedPrecondition('shopping_list_not_assignable', 'the shopping list cannot be assigned');
  }
  const botName = input.botName?.trim();
  return [{ type: 'depot.ShoppingListAssigned', data: { botId, ...(botName ? { botName } : {}) } }];
}

const notCompletable = () =>
  failedPrecondition('shopping_list_not_completable', 'the shopping list cannot be completed');

/**
 * The depot's operator completes an assigned list no bot reported on: every item counts as picked.
 * Completing a completed list records nothing (a retried request).
 */
export function complete(state: State): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (state.status === 'completed') return [];
  if (state.status !== 'assigned') throw notCompletable();
  return [{ type: 'depot.ShoppingListCompleted', data: { unavailableItems: [] } }];
}

/** True when the list is held by that bot, assigned or being shopped. */
export const isHeldBy = (state: State, botId: string) =>
  state.exists && state.assignedBotId === botId && (state.status === 'assigned' || state.status === 'active');

export const notHeld = () =>
  failedPrecondition('shopping_list_not_held', 'the bot does not hold that shopping list', 'shoppingListId');

/**
 * The bot holding the list says what it found for one item; its first report makes the list active. The
 * same outcome again records nothing (a retried report); another one is refused: the goods are in the bot.
 */
export function reportItem(
  state: State,
  input: { botId: string; storeId: string; productId: string; outcome: ItemOutcome },
): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (!isHeldBy(state, input.botId)) throw notHeld();
  const item = state.stops
    .find((stop) => stop.storeId === input.storeId)
    ?.items.find((line) => line.productId === input.productId);
  if (!item) {
    throw notFound('shopping_list_item_not_found', 'no such item at that stop of the shopping list');
  }
  if (item.outcome === input.outcome) return [];
  if (item.outcome !== undefined) {
    throw failedPrecondition(
      'item_already_reported',
      `the item was already reported ${item.outcome}`,
      'outcome',
    );
  }
  const { storeId, productId, outcome } = input;
  return [{ type: 'depot.ShoppingListItemReported', data: { storeId, productId, outcome } }];
}

export const everyItemReported = (state: State) =>
  state.stops.every((stop) => stop.items.every((item) => item.outcome !== undefined));

export const unavailableItemsOf = (state: State): UnavailableItem[] =>
  state.stops.flatMap((stop) =>
    stop.items
      .filter((item) => item.outcome === 'unavailable')
      .map((item) => ({ storeId: stop.storeId, productId: item.productId })),
  );

/**
 * Its bot is back at the depot with every item reported: completed, naming what the stores could not
 * supply. Again by the same bot records nothing.
 */
export function completeShopped(state: State, input: { botId: string }): Event[] {
  if (!state.exists) throw shoppingListNotFound();
  if (state.status === 'completed' && state.assignedBotId === input.botId) return [];
  if (!isHeldBy(state, input.botId)) throw notHeld();
  if (!everyItemReported(state)) {
    throw failedPrecondition('items_not_reported', 'every item must be reported before returning');
  }
  return [{ type: 'depot.ShoppingListCompleted', data: { unavailableItems: unavailableItemsOf(state) } }];
}

/**
 * Its bot vanished: the list goes back to the other bots. Only from the bot that holds it; anything else
 * (the list canceled, completed or already released meanwhile) records nothing.
 */
export function release(state: State, input: { botId: string }): Event[] {
  if (!isHeldBy(state, input.botId)) return [];
  return [{ type: 'depot.ShoppingListReleased', data: { botId: input.botId } }];
}
