import type {
  InvoiceStatus,
  ItemOutcome,
  OrderStatus,
  PlacedItem,
  SearchEventData,
  TrackedStop,
  UnavailableItem,
} from './events.js';

/**
 * What a customer watches of an order, folded from what Search was told by Baskets, Ordering, Depot and
 * Payments (each in its own channel, so in any order between them): the status, the steps as they were
 * learnt, the shopping list stop by stop with its bot, the final total and the invoice. Pure: the projection
 * loads a row's state, folds an event into it and saves it, and a rebuild folds the same events again.
 */

/**
 * The status a customer reads: Ordering's, `placing` before Ordering made the order (its basket is checked
 * out), and `shopping` while an approved order's list is in a bot's hands.
 */
export const trackingStatuses = [
  'placing',
  'pending',
  'approved',
  'shopping',
  'ready',
  'completed',
  'rejected',
  'canceled',
] as const;
export type TrackingStatus = (typeof trackingStatuses)[number];

/** The milestones a customer is shown, each once, at the time the module that made it said. */
export const trackingSteps = [
  'checkedOut',
  'received',
  'shoppingListMade',
  'shoppingListAvailable',
  'approved',
  'botAssigned',
  'botReturned',
  'ready',
  'invoiced',
  'paid',
  'completed',
  'rejected',
  'canceled',
] as const;
export type TrackingStepName = (typeof trackingSteps)[number];

export interface TrackingStep {
  readonly step: TrackingStepName;
  /** ISO 8601: when the module that made the step said it happened. */
  readonly at: string;
  /** The bot assigned, for `botAssigned`, and its name when Depot gave one. */
  readonly botId?: string;
  readonly botName?: string;
}

export type ShoppingListStatus = 'pending' | 'available' | 'assigned' | 'active' | 'completed' | 'canceled';

export interface TrackedStopView extends Omit<TrackedStop, 'items'> {
  readonly items: ReadonlyArray<TrackedStop['items'][number] & { readonly outcome?: ItemOutcome }>;
}

export interface TrackedShoppingList {
  readonly id: string;
  readonly status: ShoppingListStatus;
  /** The bot holding it (from its assignment until it is released or canceled), and its name if known. */
  readonly botId?: string;
  readonly botName?: string;
  readonly stops: readonly TrackedStopView[];
}

export interface TrackedInvoice {
  readonly id: string;
  readonly status: InvoiceStatus;
  readonly amountCents: number;
}

export interface Tracking {
  readonly orderId: string;
  /** '' until Search is told whose order it is (a depot message may come before the order's own). */
  readonly customerId: string;
  readonly status: TrackingStatus;
  /** Ordering's status; absent while the order is being placed. */
  readonly orderStatus?: OrderStatus;
  readonly items: readonly PlacedItem[];
  /** The order's total; once ready, without the lines the stores could not supply (what is paid). */
  readonly totalCents: number;
  readonly unavailableItems: readonly UnavailableItem[];
  readonly rejectionReason?: string;
  readonly canceledBy?: 'customer' | 'staff';
  readonly cancelReason?: string;
  readonly steps: readonly TrackingStep[];
  readonly shoppingList?: TrackedShoppingList;
  readonly invoice?: TrackedInvoice;
  /** When it was checked out (or, not told of the checkout, created). */
  readonly placedAt: string;
}

/** One event of an order's stream, as the fold takes it: `at` is the event's time, or when it was recorded. */
export type TrackingEvent = {
  [Type in TrackedEventType]: {
    readonly type: Type;
    readonly data: SearchEventData<Type>;
    readonly at: string;
  };
}[TrackedEventType];

export const trackedEventTypes = [
  'search.BasketCheckedOut',
  'search.OrderPlaced',
  'search.OrderStatusChanged',
  'search.ShoppingListMade',
  'search.ShoppingListChanged',
  'search.ShoppingItemReported',
  'search.InvoiceChanged',
] as const;
export type TrackedEventType = (typeof trackedEventTypes)[number];

/** The customer may cancel while the order is placed, pending or approved (Ordering's rule). */
export const customerMayCancel = (tracking: Pick<Tracking, 'orderStatus' | 'status'>) =>
  tracking.status === 'placing' || tracking.orderStatus === 'pending' || tracking.orderStatus === 'approved';

const emptyTracking = (orderId: string, at: string): Tracking => ({
  orderId,
  customerId: '',
  status: 'placing',
  items: [],
  totalCents: 0,
  unavailableItems: [],
  steps: [],
  placedAt: at,
});

/** A step is shown once: the first time it is learnt (a bot assigned again after a release is another). */
function withStep(steps: readonly TrackingStep[], step: TrackingStep): TrackingStep[] {
  if (steps.some((seen) => seen.step === step.step && seen.botId === step.botId)) return [...steps];
  // In the order they happened: the channels are read independently, so learning order is not enough.
  return [...steps, step].sort((a, b) => a.at.localeCompare(b.at));
}

const statusOf = (tracking: Tracking): TrackingStatus => {
  const { orderStatus, shoppingList } = tracking;
  if (orderStatus === undefined) return 'placing';
  const inBotHands =
    shoppingList !== undefined && ['assigned', 'active', 'completed'].includes(shoppingList.status);
  return orderStatus === 'approved' && inBotHands ? 'shopping' : orderStatus;
};

const orderStep: Partial<Record<OrderStatus, TrackingStepName>> = {
  approved: 'approved',
  rejected: 'rejected',
  ready: 'ready',
  completed: 'completed',
  canceled: 'canceled',
};

const forgetOutcomes = (stops: readonly TrackedStopView[]): TrackedStopView[] =>
  stops.map((stop) => ({
    ...stop,
    items: stop.items.map(({ productId, productName, quantity }) => ({ productId, productName, quantity })),
  }));

function evolveList(list: TrackedShoppingList | undefined, event: TrackingEvent): TrackedShoppingList {
  const base: TrackedShoppingList = list ?? { id: '', status: 'pending', stops: [] };
  switch (event.type) {
    case 'search.ShoppingListMade':
      // The made list's stops, keeping whatever was reported before Search was told it was made.
      return {
        ...base,
        id: event.data.shoppingListId,
        stops: event.data.stops.map((stop) => ({
          ...stop,
          items: stop.items.map((item) => {
            const reported = base.stops
              .find((known) => known.storeId === stop.storeId)
              ?.items.find((known) => known.productId === item.productId)?.outcome;
            return reported ? { ...item, outcome: reported } : item;
          }),
        })),
      };
    case 'search.ShoppingListChanged': {
      const { shoppingListId: id, status, botId, botName } = event.data;
      // Completed and canceled are final: a late `available` or `assigned` never undoes them.
      if (base.status === 'completed' || base.status === 'canceled') return { ...base, id };
      if (status === 'available') {
        // Initiated, or released after its bot vanished: the goods left with the bot, its reports are void.
        const { botId: _gone, botName: _itsName, ...rest } = base;
        return { ...rest, id, status, stops: forgetOutcomes(base.stops) };
      }
      if (status === 'assigned') {
        return {
          ...base,
          id,
          status: base.status === 'active' ? 'active' : status,
          ...(botId ? { botId } : {}),
          ...(botName ? { botName } : {}),
        };
      }
      return { ...base, id, status };
    }
    case 'search.ShoppingItemReported': {
      const { shoppingListId: id, botId, storeId, productId, outcome } = event.data;
      if (base.status === 'completed' || base.status === 'canceled') return { ...base, id };
      const known = base.stops.some((stop) => stop.storeId === storeId);
      // A report before Search was told the list's stops: kept on a stop of its own until they arrive.
      const stops = known
        ? base.stops
        : [...base.stops, { storeId, storeName: '', storeLocation: '', items: [] }];
      return {
        ...base,
        id,
        status: 'active',
        botId,
        stops: stops.map((stop) => {
          if (stop.storeId !== storeId) return stop;
          const present = stop.items.some((item) => item.productId === productId);
          const items = present
            ? stop.items.map((item) => (item.productId === productId ? { ...item, outcome } : item))
            : [...stop.items, { productId, productName: '', quantity: 1, outcome }];
          return { ...stop, items };
        }),
      };
    }
    default:
      return base;
  }
}

/** The order's tracking after one more event of its stream. */
export function evolveTracking(
  previous: Tracking | undefined,
  orderId: string,
  event: TrackingEvent,
): Tracking {
  const state = previous ?? emptyTracking(orderId, event.at);
  const next = ((): Tracking => {
    switch (event.type) {
      case 'search.BasketCheckedOut': {
        const { customerId, items, totalCents, at } = event.data;
        // Told of the order first: the order's own lines stand.
        const known = state.orderStatus !== undefined;
        return {
          ...state,
          customerId,
          ...(known ? {} : { items, totalCents }),
          placedAt: at,
          steps: withStep(state.steps, { step: 'checkedOut', at }),
        };
      }
      case 'search.OrderPlaced': {
        const { customerId, items, totalCents } = event.data;
        // A status change told before the order (a redriven OrderCreated) stands: placing is the first status.
        const placedBefore = state.orderStatus !== undefined;
        return {
          ...state,
          customerId,
          orderStatus: state.orderStatus ?? 'pending',
          items,
          totalCents: placedBefore && state.orderStatus === 'ready' ? state.totalCents : totalCents,
          ...(state.steps.some((step) => step.step === 'checkedOut')
            ? {}
            : { placedAt: event.data.placedAt }),
          steps: withStep(state.steps, { step: 'received', at: event.data.placedAt }),
        };
      }
      case 'search.OrderStatusChanged': {
        const { status, totalCents, unavailableItems, reason, canceledBy, at = event.at } = event.data;
        const step = orderStep[status];
        return {
          ...state,
          orderStatus: status,
          ...(totalCents === undefined ? {} : { totalCents }),
          ...(unavailableItems === undefined ? {} : { unavailableItems }),
          ...(status === 'rejected' && reason !== undefined && { rejectionReason: reason }),
          ...(status === 'canceled' && canceledBy !== undefined && { canceledBy }),
          ...(status === 'canceled' && reason !== undefined && { cancelReason: reason }),
          steps: step ? withStep(state.steps, { step, at }) : [...state.steps],
        };
      }
      case 'search.ShoppingListMade':
        return {
          ...state,
          shoppingList: evolveList(state.shoppingList, event),
          steps: withStep(state.steps, { step: 'shoppingListMade', at: event.data.at }),
        };
      case 'search.ShoppingListChanged': {
        const { status, botId, botName, at } = event.data;
        const step: TrackingStep | undefined =
          status === 'available'
            ? { step: 'shoppingListAvailable', at }
            : status === 'assigned' && botId
              ? { step: 'botAssigned', at, botId, ...(botName ? { botName } : {}) }
              : status === 'completed'
                ? { step: 'botReturned', at }
                : undefined;
        return {
          ...state,
          shoppingList: evolveList(state.shoppingList, event),
          steps: step ? withStep(state.steps, step) : [...state.steps],
        };
      }
      case 'search.ShoppingItemReported':
        return { ...state, shoppingList: evolveList(state.shoppingList, event) };
      case 'search.InvoiceChanged': {
        const { invoiceId, status, amountCents, at } = event.data;
        const invoice: TrackedInvoice = {
          id: invoiceId,
          status,
          amountCents: amountCents ?? state.invoice?.amountCents ?? state.totalCents,
        };
        const step: TrackingStepName | undefined =
          status === 'pending' ? 'invoiced' : status === 'paid' ? 'paid' : undefined;
        return {
          ...state,
          invoice,
          steps: step ? withStep(state.steps, { step, at }) : [...state.steps],
        };
      }
    }
  })();
  return { ...next, status: statusOf(next) };
}
