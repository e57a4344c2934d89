import { type OrderStatus, type PlacedItem, streams, type UnavailableItem } from '../domain/events.js';
import type { CustomerNames, SearchJournal } from './ports.js';

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
}

export interface Named extends Received {
  readonly id: string;
  readonly name: string;
}

/** What the message handlers do: record what Search was told, in its own event store. */
export interface SearchRecording {
  orderPlaced(order: OrderPlaced): Promise<void>;
  orderStatusChanged(change: OrderStatusChanged): Promise<void>;
  customerNamed(customer: Named): Promise<void>;
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
  return {
    async orderPlaced({ messageId, orderId, customerId, items, totalCents, placedAt }) {
      const customerStream = streams.customer(customerId);
      if (!(await journal.has(customerStream))) {
        const name = await customers.nameOf(customerId);
        // Unknown to Customers: the order is shown without a name until CustomerRegistered arrives.
        if (name !== undefined) {
          await journal.record(customerStream, [
            {
              id: eventIdOf(messageId, 1),
              type: 'search.CustomerNamed',
              data: { name, source: 'service' },
            },
          ]);
        }
      }
      await journal.record(streams.order(orderId), [
        {
          id: eventIdOf(messageId, 0),
          type: 'search.OrderPlaced',
          data: { customerId, items: [...items], totalCents, placedAt },
        },
      ]);
    },

    async orderStatusChanged({ messageId, orderId, status, totalCents, unavailableItems }) {
      await journal.record(streams.order(orderId), [
        {
          id: eventIdOf(messageId, 0),
          type: 'search.OrderStatusChanged',
          data: {
            status,
            ...(totalCents === undefined ? {} : { totalCents }),
            ...(unavailableItems === undefined ? {} : { unavailableItems: [...unavailableItems] }),
          },
        },
      ]);
    },

    customerNamed: ({ messageId, id, name }) =>
      journal.record(streams.customer(id), [
        { id: eventIdOf(messageId, 0), type: 'search.CustomerNamed', data: { name, source: 'event' } },
      ]),
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
