import {
  type InvoiceStatus,
  type ItemOutcome,
  type OrderStatus,
  type PlacedItem,
  streams,
  type TrackedStop,
  type UnavailableItem,
} from '../domain/events.js';
import type { CustomerNames, SearchEvent, SearchJournal } from './ports.js';

/** Where an event came from: its id derives from the message's, so a message recorded twice is one event. */
export interface Received {
  readonly messageId: string;
}

export interface OrderPlaced extends Received {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly PlacedItem[];
  readonly totalCents: number;
  readonly placedAt: string;
}

export interface OrderStatusChanged extends Received {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly totalCents?: number;
  readonly unavailableItems?: readonly UnavailableItem[];
  /** When Ordering made the change (the message's time). */
  readonly at?: string;
  readonly reason?: string;
  readonly canceledBy?: 'customer' | 'staff';
  readonly shoppingListId?: string;
}

/** Something that happened to an order elsewhere, at the time its message says. */
interface OrderFact extends Received {
  readonly orderId: string;
  readonly at: string;
}

export interface BasketCheckedOut extends OrderFact {
  readonly customerId: string;
  readonly items: readonly PlacedItem[];
  readonly totalCents: number;
}

export interface ShoppingListMade extends OrderFact {
  readonly shoppingListId: string;
  readonly stops: readonly TrackedStop[];
}

export interface ShoppingListChanged extends OrderFact {
  readonly shoppingListId: string;
  readonly status: 'available' | 'assigned' | 'canceled' | 'completed';
  readonly botId?: string;
  readonly botName?: string;
}

export interface ShoppingItemReported extends OrderFact {
  readonly shoppingListId: string;
  readonly botId: string;
  readonly storeId: string;
  readonly productId: string;
  readonly outcome: ItemOutcome;
}

export interface InvoiceChanged extends OrderFact {
  readonly invoiceId: string;
  readonly status: InvoiceStatus;
  readonly amountCents?: number;
}

export interface Named extends Received {
  readonly id: string;
  readonly name: string;
}

/**
 * A customer's stream is read back by `has` (is the name known?), maybe later in the same transaction when a
 * broker handles several messages in one: its records must be visible there.
 */
const KNOWN_BY_HAS = { readBack: true } as const;

/** What the message handlers do: record what Search was told, in its own event store. */
export interface SearchRecording {
  orderPlaced(order: OrderPlaced): Promise<void>;
  orderStatusChanged(change: OrderStatusChanged): Promise<void>;
  customerNamed(customer: Named): Promise<void>;
  basketCheckedOut(checkout: BasketCheckedOut): Promise<void>;
  shoppingListMade(list: ShoppingListMade): Promise<void>;
  shoppingListChanged(change: ShoppingListChanged): Promise<void>;
  shoppingItemReported(report: ShoppingItemReported): Promise<void>;
  invoiceChanged(change: InvoiceChanged): Promise<void>;
  storeNamed(store: Named): Promise<void>;
  productNamed(product: Named): Promise<void>;
}

/**
 * Everything the projection needs is recorded here, in the handling's transaction, including a customer's
 * name that had to be asked for: the projection, and any replay of it, never calls another context.
 * Store and product names travel with the order (OrderCreated carries them), so only the customer's name can
 * be missing.
 */
export function createSearchRecording({
  journal,
  customers,
  eventIdOf,
}: {
  journal: SearchJournal;
  customers: CustomerNames;
  /** A stable id for the index-th event recorded from a message. */
  eventIdOf: (messageId: string, index: number) => string;
}): SearchRecording {
  const knowCustomer = async (messageId: string, customerId: string) => {
    const customerStream = streams.customer(customerId);
    if (await journal.has(customerStream)) return;
    const name = await customers.nameOf(customerId);
    // Unknown to Customers: the order is shown without a name until CustomerRegistered arrives.
    if (name !== undefined) {
      await journal.record(
        customerStream,
        [{ id: eventIdOf(messageId, 1), type: 'search.CustomerNamed', data: { name, source: 'service' } }],
        KNOWN_BY_HAS,
      );
    }
  };
  const onOrder = (messageId: string, orderId: string, event: Omit<SearchEvent, 'id'>) =>
    journal.record(streams.order(orderId), [{ id: eventIdOf(messageId, 0), ...event } as SearchEvent]);

  return {
    async orderPlaced({ messageId, orderId, customerId, items, totalCents, placedAt }) {
      await knowCustomer(messageId, customerId);
      await journal.record(streams.order(orderId), [
        {
          id: eventIdOf(messageId, 0),
          type: 'search.OrderPlaced',
          data: { customerId, items: [...items], totalCents, placedAt },
        },
      ]);
    },

    async orderStatusChanged({ messageId, orderId, status, totalCents, unavailableItems, ...more }) {
      const { at, reason, canceledBy, shoppingListId } = more;
      await onOrder(messageId, orderId, {
        type: 'search.OrderStatusChanged',
        data: {
          status,
          ...(totalCents === undefined ? {} : { totalCents }),
          ...(unavailableItems === undefined ? {} : { unavailableItems: [...unavailableItems] }),
          ...(at === undefined ? {} : { at }),
          ...(reason === undefined ? {} : { reason }),
          ...(canceledBy === undefined ? {} : { canceledBy }),
          ...(shoppingListId === undefined ? {} : { shoppingListId }),
        },
      });
    },

    async basketCheckedOut({ messageId, orderId, customerId, items, totalCents, at }) {
      await knowCustomer(messageId, customerId);
      await onOrder(messageId, orderId, {
        type: 'search.BasketCheckedOut',
        data: { customerId, items: [...items], totalCents, at },
      });
    },
    shoppingListMade: ({ messageId, orderId, shoppingListId, stops, at }) =>
      onOrder(messageId, orderId, {
        type: 'search.ShoppingListMade',
        data: { shoppingListId, stops: stops.map((stop) => ({ ...stop, items: [...stop.items] })), at },
      }),
    shoppingListChanged: ({ messageId, orderId, shoppingListId, status, botId, botName, at }) =>
      onOrder(messageId, orderId, {
        type: 'search.ShoppingListChanged',
        data: {
          shoppingListId,
          status,
          ...(botId === undefined ? {} : { botId }),
          ...(botName === undefined ? {} : { botName }),
          at,
        },
      }),
    shoppingItemReported: ({ messageId, orderId, ...report }) =>
      onOrder(messageId, orderId, { type: 'search.ShoppingItemReported', data: report }),
    invoiceChanged: ({ messageId, orderId, invoiceId, status, amountCents, at }) =>
      onOrder(messageId, orderId, {
        type: 'search.InvoiceChanged',
        data: { invoiceId, status, ...(amountCents === undefined ? {} : { amountCents }), at },
      }),

    customerNamed: ({ messageId, id, name }) =>
      journal.record(
        streams.customer(id),
        [{ id: eventIdOf(messageId, 0), type: 'search.CustomerNamed', data: { name, source: 'event' } }],
        KNOWN_BY_HAS,
      ),
    storeNamed: ({ messageId, id, name }) =>
      journal.record(streams.store(id), [
        { id: eventIdOf(messageId, 0), type: 'search.StoreNamed', data: { name } },
      ]),
    productNamed: ({ messageId, id, name }) =>
      journal.record(streams.product(id), [
        { id: eventIdOf(messageId, 0), type: 'search.ProductNamed', data: { name } },
      ]),
  };
}
