import { randomUUID } from 'node:crypto';
import type { Broker, Envelope } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import type { SqlClient } from '@tessera/platform/sql';
import { type Answer, eventually as eventuallyAs, type Method } from '@tessera/platform/testing';
import { expect } from 'vitest';
import { ORDER_CHANNEL } from '../../src/ordering/contract/integration-events.js';

export const SAGA = 'cosec.CreateOrder';

export interface OrderView {
  id: string;
  status: string;
  total: number;
  shoppingListId?: string;
  rejectionReason?: string;
}

export interface ShoppingListView {
  id: string;
  orderId: string;
  status: string;
  stops: Array<{
    storeId: string;
    storeName: string;
    storeLocation: string;
    items: Array<{ productId: string; productName: string; quantity: number }>;
  }>;
}

export interface SagaView {
  saga: string;
  id: string;
  step: number;
  status: string;
  awaiting?: string;
  data: { shoppingListId?: string; rejection?: string; [field: string]: unknown };
  history: Array<{ step?: number; event: string; detail?: Record<string, unknown> }>;
}

const FINAL_ORDER = new Set(['approved', 'rejected', 'canceled', 'ready', 'completed']);
const FINAL_SAGA = new Set(['completed', 'compensated', 'failed']);

/**
 * Re-reads until `read` gives a value `done` accepts, yielding a few ms between reads: the saga and its
 * participants commit on their own time, and the REST API is what a client would poll. Bounded, as a safety net.
 */
export const eventually = <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => eventuallyAs(what, read, done, timeoutMs);

/** The REST calls a kiosk and an operator make, on any host (a test host, or one the test started itself). */
export function mallbotsClient(call: (method: Method, url: string, body?: unknown) => Promise<Answer>) {
  const created = async (response: Answer) => {
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const noContent = async (response: Promise<Answer>) => {
    const answer = await response;
    expect(answer.statusCode, answer.body).toBe(204);
  };
  const found = async <T>(url: string, field: string): Promise<T> => {
    const response = await call('GET', url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Record<string, T>>()[field]!;
  };
  const getOrder = async (id: string): Promise<OrderView | undefined> => {
    const response = await call('GET', `/api/ordering/${id}`);
    if (response.statusCode === 404) return undefined;
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ order: OrderView }>().order;
  };
  const getSaga = async (orderId: string): Promise<SagaView | undefined> => {
    const response = await call('GET', `/admin/sagas/${SAGA}/${orderId}`);
    if (response.statusCode === 404) return undefined;
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ instance: SagaView }>().instance;
  };
  return {
    call,
    createStore: async (name: string, location: string) =>
      created(await call('POST', '/api/stores', { name, location })),
    addProduct: async (storeId: string, name: string, price: number) =>
      created(
        await call('POST', `/api/stores/${storeId}/products`, {
          name,
          description: `${name}, for the saga tests`,
          sku: name.toUpperCase().replaceAll(' ', '-'),
          price,
        }),
      ),
    removeProduct: (productId: string) => noContent(call('DELETE', `/api/stores/products/${productId}`)),
    registerCustomer: async () =>
      created(await call('POST', '/api/customers', { name: 'Ada', smsNumber: '+15551234567' })),
    disableCustomer: (id: string) => noContent(call('PUT', `/api/customers/${id}/disable`)),
    authorizePayment: async (customerId: string, amountCents: number) =>
      created(await call('POST', '/api/payments', { customerId, amountCents })),
    getPayment: (id: string) =>
      found<{ id: string; amountCents: number; confirmed: boolean; voided: boolean }>(
        `/api/payments/${id}`,
        'payment',
      ),
    startBasket: async (customerId: string) => created(await call('POST', '/api/baskets', { customerId })),
    addItem: (basketId: string, productId: string, quantity: number) =>
      noContent(call('PUT', `/api/baskets/${basketId}/addItem`, { productId, quantity })),
    /** The basket's total in cents (the API shows currency units). */
    basketTotalCents: async (basketId: string) =>
      Math.round((await found<{ total: number }>(`/api/baskets/${basketId}`, 'basket')).total * 100),
    checkout: (basketId: string, paymentId: string) =>
      noContent(call('PUT', `/api/baskets/${basketId}/checkout`, { paymentId })),
    getOrder,
    getShoppingList: (id: string) => found<ShoppingListView>(`/api/depot/shopping/${id}`, 'shoppingList'),
    /** Every shopping list Depot has for the order, whatever its status. */
    async shoppingListsOf(orderId: string): Promise<ShoppingListView[]> {
      const lists: ShoppingListView[] = [];
      for (const status of ['pending', 'available', 'assigned', 'active', 'completed', 'canceled']) {
        lists.push(
          ...(await found<ShoppingListView[]>(
            `/api/depot/shopping?status=${status}&limit=100`,
            'shoppingLists',
          )),
        );
      }
      return lists.filter((list) => list.orderId === orderId);
    },
    getSaga,
    /** Waits until the order is approved or rejected (the order appears once Ordering handled the checkout). */
    settledOrder: async (id: string) =>
      (await eventually(
        () => getOrder(id),
        (order) => order !== undefined && FINAL_ORDER.has(order.status),
        `order ${id} is settled`,
      ))!,
    /** Waits until the order's saga instance has ended. */
    endedSaga: async (orderId: string) =>
      (await eventually(
        () => getSaga(orderId),
        (saga) => saga !== undefined && FINAL_SAGA.has(saga.status),
        `the saga of ${orderId} ended`,
      ))!,
  };
}

export type MallbotsClient = ReturnType<typeof mallbotsClient>;

/** The mall most tests shop in: a Robot Arm (19.99) at Robot Emporium, Level 1; a Wheel (5) at Wheel World, Level 2. */
export async function stockedMall(mall: MallbotsClient) {
  const storeA = await mall.createStore('Robot Emporium', 'Level 1');
  const storeB = await mall.createStore('Wheel World', 'Level 2');
  const arm = await mall.addProduct(storeA, 'Robot Arm', 19.99);
  const wheel = await mall.addProduct(storeB, 'Wheel', 5);
  return { storeA, storeB, arm, wheel };
}

/** A new basket of the customer's with `items` ([productId, quantity]), checked out paying its total (authorized). */
export async function checkOut(
  mall: MallbotsClient,
  customerId: string,
  items: ReadonlyArray<[string, number]>,
) {
  const basketId = await mall.startBasket(customerId);
  for (const [productId, quantity] of items) await mall.addItem(basketId, productId, quantity);
  const totalCents = await mall.basketTotalCents(basketId);
  const paymentId = await mall.authorizePayment(customerId, totalCents);
  await mall.checkout(basketId, paymentId);
  return { basketId, totalCents, paymentId };
}

/** The steps each `event` of the history names, in order (actions only, unless `compensation`). */
export const stepsOf = (saga: SagaView, event: string, compensation = false) =>
  saga.history
    .filter((entry) => entry.event === event && Boolean(entry.detail?.compensation) === compensation)
    .map((entry) => entry.step);

/** Every message published on Ordering's channel, as a test group of its own receives them. */
export async function recordOrders(broker: Broker, group = `cosec-test-${randomUUID().slice(0, 8)}`) {
  const messages: Envelope[] = [];
  await broker.subscribe({
    group,
    subjects: [ORDER_CHANNEL],
    handle: async (message) => {
      messages.push(message);
    },
  });
  return {
    messages,
    /** Distinct OrderApproved messages about the order (a redelivery to this group is not a second one). */
    approvals: (orderId: string) =>
      new Set(
        messages
          .filter((message) => message.key === orderId && message.type === 'ordersapi.OrderApproved')
          .map((message) => message.id),
      ).size,
  };
}

/** Which command a host's participants must not handle: the saga then waits at that step. */
export interface Hold {
  commandId?: string;
  reached?: () => void;
}

/**
 * The modules, each given a broker whose handlers (a) fail the held command's handling while it is held
 * (it rolls back, and the message stays for a retry or, once the host stopped, a redelivery to the next), so
 * that the saga waits at that step for as long as a test needs, and (b) report each commit of a handling,
 * as `group messageId`.
 */
export function instrumented(modules: readonly Module[], hold: Hold, committed: string[]): Module[] {
  const wrap = (broker: Broker, db: SqlClient): Broker => ({
    publish: (envelopes) => broker.publish(envelopes),
    subscribe: ({ handle, handleBatch, ...subscription }) => {
      if (!handle || handleBatch) throw new Error('the modules subscribe with one-message handlers');
      return broker.subscribe({
        ...subscription,
        async handle(message, delivery) {
          if (message.id === hold.commandId) {
            hold.reached?.();
            throw new Error('held by the test');
          }
          await handle(message, delivery);
          await db.afterCommit(() => {
            committed.push(`${subscription.group} ${message.id}`);
          });
        },
      });
    },
    deadLetters: broker.deadLetters,
    trail: broker.trail,
    lag: () => broker.lag(),
    close: () => broker.close(),
  });
  return modules.map((module) => ({
    ...module,
    start: (context) => module.start({ ...context, broker: wrap(context.broker, context.db) }),
  }));
}
