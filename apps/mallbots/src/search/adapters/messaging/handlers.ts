import {
  type Broker,
  type Envelope,
  type MessageObserver,
  onMessages,
  type Subscribed,
  subscribeGroups,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import { BASKET_CHANNEL, basketsMessages } from '../../../baskets/contract/integration-events.js';
import { CUSTOMER_CHANNEL, customersMessages } from '../../../customers/contract/integration-events.js';
import { depotMessages, SHOPPING_LIST_CHANNEL } from '../../../depot/contract/integration-events.js';
import { ORDER_CHANNEL, orderingMessages } from '../../../ordering/contract/integration-events.js';
import { INVOICE_CHANNEL, paymentsMessages } from '../../../payments/contract/integration-events.js';
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
export const SEARCH_BASKETS_GROUP = 'search-baskets';
export const SEARCH_DEPOT_GROUP = 'search-depot';
export const SEARCH_INVOICES_GROUP = 'search-invoices';

/**
 * The messages Search records, in its own terms (the anti-corruption layer): the order's life in Ordering's
 * status words, names, and what a customer watches of an order elsewhere (its checkout, its shopping list
 * stop by stop, its invoice). Everything else (prices, SMS numbers, participation, removals) is dropped
 * unread: an order keeps the products it was placed with.
 */
export function searchHandlers(recording: SearchRecording) {
  const received = (message: Envelope) => ({ messageId: message.id });
  const told = (message: Envelope, orderId: string) => ({ messageId: message.id, orderId, at: message.time });
  const listChanged =
    (status: 'available' | 'assigned' | 'canceled' | 'completed') =>
    (
      { id, orderId, botId, botName }: { id: string; orderId: string; botId?: string; botName?: string },
      message: Envelope,
    ) =>
      recording.shoppingListChanged({
        ...told(message, orderId),
        shoppingListId: id,
        status,
        ...(botId === undefined ? {} : { botId }),
        ...(botName === undefined ? {} : { botName }),
      });
  const invoiceChanged =
    (status: 'pending' | 'paid' | 'canceled') =>
    (
      { id, orderId, amountCents }: { id: string; orderId: string; amountCents?: number },
      message: Envelope,
    ) =>
      recording.invoiceChanged({
        ...told(message, orderId),
        invoiceId: id,
        status,
        ...(amountCents === undefined ? {} : { amountCents }),
      });
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
      'ordersapi.OrderApproved': ({ id, shoppingListId }, message) =>
        recording.orderStatusChanged({
          ...told(message, id),
          status: 'approved',
          shoppingListId,
        }),
      'ordersapi.OrderRejected': ({ id, reason }, message) =>
        recording.orderStatusChanged({ ...told(message, id), status: 'rejected', reason }),
      'ordersapi.OrderReadied': ({ id, totalCents, unavailableItems }, message) =>
        recording.orderStatusChanged({ ...told(message, id), status: 'ready', totalCents, unavailableItems }),
      'ordersapi.OrderCanceled': ({ id, canceledBy, reason }, message) =>
        recording.orderStatusChanged({
          ...told(message, id),
          status: 'canceled',
          canceledBy,
          ...(reason === undefined ? {} : { reason }),
        }),
      'ordersapi.OrderCompleted': ({ id }, message) =>
        recording.orderStatusChanged({ ...told(message, id), status: 'completed' }),
    }),
    baskets: onMessages(basketsMessages, {
      'basketsapi.BasketCheckedOut': ({ id, customerId, items }, message) =>
        recording.basketCheckedOut({
          ...told(message, id),
          customerId,
          items: items.map(({ productId, storeId, productName, storeName, priceCents, quantity }) => ({
            productId,
            storeId,
            productName,
            storeName,
            priceCents,
            quantity,
          })),
          totalCents: items.reduce((total, item) => total + item.priceCents * item.quantity, 0),
        }),
    }),
    depot: onMessages(depotMessages, {
      'depotapi.ShoppingListCreated': ({ id, orderId, stops }, message) =>
        recording.shoppingListMade({ ...told(message, orderId), shoppingListId: id, stops }),
      'depotapi.ShoppingListAvailable': listChanged('available'),
      'depotapi.ShoppingListAssigned': listChanged('assigned'),
      'depotapi.ShoppingListCanceled': listChanged('canceled'),
      'depotapi.ShoppingListCompleted': listChanged('completed'),
      'depotapi.ShoppingListItemReported': ({ id, orderId, botId, storeId, productId, outcome }, message) =>
        recording.shoppingItemReported({
          ...told(message, orderId),
          shoppingListId: id,
          botId,
          storeId,
          productId,
          outcome,
        }),
    }),
    invoices: onMessages(paymentsMessages, {
      'paymentsapi.InvoiceCreated': invoiceChanged('pending'),
      'paymentsapi.InvoicePaid': invoiceChanged('paid'),
      'paymentsapi.InvoiceCanceled': invoiceChanged('canceled'),
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
 * Search is told of about a dozen steps of every order, each a handling (a transaction) of its own. No one
 * waits on its index to go on: under load, what comes within this many ms is handled together.
 */
const SEARCH_GATHER_MS = 50;

/**
 * The four groups of spec §3.8, and the three the order tracking adds (baskets, depot, invoices). Handlers run in the broker's transaction (their appends join it), whose inbox
 * already skips a message id seen before.
 */
export function subscribeSearch(
  broker: Broker,
  db: SqlClient,
  recording: SearchRecording,
  observer?: MessageObserver,
): Promise<Subscribed[]> {
  const handlers = searchHandlers(recording);
  const groups = [
    { group: SEARCH_ORDERS_GROUP, subject: ORDER_CHANNEL, handle: handlers.orders },
    { group: SEARCH_CUSTOMERS_GROUP, subject: CUSTOMER_CHANNEL, handle: handlers.customers },
    { group: SEARCH_STORES_GROUP, subject: STORE_CHANNEL, handle: handlers.stores },
    { group: SEARCH_PRODUCTS_GROUP, subject: PRODUCT_CHANNEL, handle: handlers.products },
    { group: SEARCH_BASKETS_GROUP, subject: BASKET_CHANNEL, handle: handlers.baskets },
    { group: SEARCH_DEPOT_GROUP, subject: SHOPPING_LIST_CHANNEL, handle: handlers.depot },
    { group: SEARCH_INVOICES_GROUP, subject: INVOICE_CHANNEL, handle: handlers.invoices },
  ];
  return subscribeGroups(
    broker,
    groups.map((group) => ({ ...group, gatherMs: SEARCH_GATHER_MS })),
    { db, observer },
  );
}
