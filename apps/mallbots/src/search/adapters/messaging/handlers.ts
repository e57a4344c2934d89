import {
  type Broker,
  type Envelope,
  type MessageObserver,
  onMessages,
  type Subscribed,
  subscribeGroups,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import { CUSTOMER_CHANNEL, customersMessages } from '../../../customers/contract/integration-events.js';
import { ORDER_CHANNEL, orderingMessages } from '../../../ordering/contract/integration-events.js';
import {
  PRODUCT_CHANNEL,
  STORE_CHANNEL,
  storesMessages,
} from '../../../stores/contract/integration-events.js';
import type { SearchRecording } from '../../application/recording.js';

export const SEARCH_ORDERS_GROUP = 'search-orders';
export const SEARCH_CUSTOMERS_GROUP = 'search-customers';
export const SEARCH_STORES_GROUP = 'search-stores';
export const SEARCH_PRODUCTS_GROUP = 'search-products';

/**
 * The messages Search records, in its own terms (the anti-corruption layer): the order's life in Ordering's
 * status words, and names. Everything else (prices, SMS numbers, participation, removals) is dropped unread:
 * an order keeps the products it was placed with.
 */
export function searchHandlers(recording: SearchRecording) {
  const received = (message: Envelope) => ({ messageId: message.id });
  return {
    orders: onMessages(orderingMessages, {
      'ordersapi.OrderCreated': ({ id, customerId, items, totalCents }, message) =>
        recording.orderPlaced({
          ...received(message),
          orderId: id,
          customerId,
          items: items.map(({ productId, storeId, productName, storeName, priceCents, quantity }) => ({
            productId,
            storeId,
            productName,
            storeName,
            priceCents,
            quantity,
          })),
          totalCents,
          placedAt: message.time,
        }),
      'ordersapi.OrderApproved': ({ id }, message) =>
        recording.orderStatusChanged({ ...received(message), orderId: id, status: 'approved' }),
      'ordersapi.OrderRejected': ({ id }, message) =>
        recording.orderStatusChanged({ ...received(message), orderId: id, status: 'rejected' }),
      'ordersapi.OrderReadied': ({ id, totalCents, unavailableItems }, message) =>
        recording.orderStatusChanged({
          ...received(message),
          orderId: id,
          status: 'ready',
          totalCents,
          unavailableItems,
        }),
      'ordersapi.OrderCanceled': ({ id }, message) =>
        recording.orderStatusChanged({ ...received(message), orderId: id, status: 'canceled' }),
      'ordersapi.OrderCompleted': ({ id }, message) =>
        recording.orderStatusChanged({ ...received(message), orderId: id, status: 'completed' }),
    }),
    customers: onMessages(customersMessages, {
      'customersapi.CustomerRegistered': ({ id, name }, message) =>
        recording.customerNamed({ ...received(message), id, name }),
    }),
    stores: onMessages(storesMessages, {
      'storesapi.StoreCreated': ({ id, name }, message) =>
        recording.storeNamed({ ...received(message), id, name }),
      'storesapi.StoreRebranded': ({ id, name }, message) =>
        recording.storeNamed({ ...received(message), id, name }),
    }),
    products: onMessages(storesMessages, {
      'storesapi.ProductAdded': ({ id, name }, message) =>
        recording.productNamed({ ...received(message), id, name }),
      'storesapi.ProductRebranded': ({ id, name }, message) =>
        recording.productNamed({ ...received(message), id, name }),
    }),
  };
}

/**
 * The four groups of spec §3.8. Handlers run in the broker's transaction (their appends join it), whose inbox
 * already skips a message id seen before.
 */
export function subscribeSearch(
  broker: Broker,
  db: SqlClient,
  recording: SearchRecording,
  observer?: MessageObserver,
): Promise<Subscribed[]> {
  const handlers = searchHandlers(recording);
  return subscribeGroups(
    broker,
    [
      { group: SEARCH_ORDERS_GROUP, subject: ORDER_CHANNEL, handle: handlers.orders },
      { group: SEARCH_CUSTOMERS_GROUP, subject: CUSTOMER_CHANNEL, handle: handlers.customers },
      { group: SEARCH_STORES_GROUP, subject: STORE_CHANNEL, handle: handlers.stores },
      { group: SEARCH_PRODUCTS_GROUP, subject: PRODUCT_CHANNEL, handle: handlers.products },
    ],
    { db, observer },
  );
}
