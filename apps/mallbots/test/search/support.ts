import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Projector, RebuildResult } from '@tessera/platform/projections';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { BASKET_CHANNEL, type BasketsMessage } from '../../src/baskets/contract/integration-events.js';
import {
  type CustomerSummary,
  type CustomersService,
  CustomersUnavailableError,
} from '../../src/customers/contract/customers-service.js';
import { CUSTOMER_CHANNEL } from '../../src/customers/contract/integration-events.js';
import { type DepotMessage, SHOPPING_LIST_CHANNEL } from '../../src/depot/contract/integration-events.js';
import { ORDER_CHANNEL, type OrderingMessage } from '../../src/ordering/contract/integration-events.js';
import { INVOICE_CHANNEL, type PaymentsMessage } from '../../src/payments/contract/integration-events.js';
import { createSearchModule } from '../../src/search/module.js';
import {
  PRODUCT_CHANNEL,
  STORE_CHANNEL,
  type StoresMessage,
} from '../../src/stores/contract/integration-events.js';

export { expectProblem, unknownId } from '@tessera/platform/testing';

export interface SearchItemDto {
  productId: string;
  storeId: string;
  productName: string;
  storeName: string;
  price: number;
  quantity: number;
}

export interface SearchOrderDto {
  id: string;
  customerId: string;
  customerName: string;
  items: SearchItemDto[];
  total: number;
  status: string;
  unavailableItems: Array<{ storeId: string; productId: string }>;
  createdAt: string;
  updatedAt: string;
}

/** Customers as the fallback sees it: a directory the test fills, which can be made to fail. */
export class FakeCustomers implements CustomersService {
  readonly known = new Map<string, string>();
  readonly asked: string[] = [];
  failing = false;

  async findCustomer(id: string): Promise<CustomerSummary | undefined> {
    this.asked.push(id);
    if (this.failing) throw new CustomersUnavailableError('Customers is down (test)');
    const name = this.known.get(id);
    return name === undefined ? undefined : { id, name, smsNumber: '+15550000000', enabled: true };
  }
}

export interface SearchHost extends TestHost {
  readonly customers: FakeCustomers;
  readonly projector: Projector;
  /** The order tracking's projector. */
  readonly tracker: Projector;
  /**
   * Publishes as Ordering, Customers, Stores, Baskets, Depot or Payments would; `time` is the message's time
   * (when it was produced).
   */
  publish(message: PublishedToSearch, time?: Date): Promise<Envelope>;
  /** Resolves once every message published so far is recorded and projected. */
  settled(): Promise<void>;
  search(body: unknown): Promise<{ orders: SearchOrderDto[]; next?: string }>;
  getOrder(id: string): Promise<SearchOrderDto>;
  /** Every order matching the filters, page after page. */
  searchAll(filters: unknown, limit?: number): Promise<SearchOrderDto[]>;
  rebuilt(): Promise<RebuildResult | Error>;
}

export interface CustomerRegistered {
  type: 'customersapi.CustomerRegistered';
  data: { id: string; name: string; smsNumber: string };
}

export type PublishedToSearch =
  | OrderingMessage
  | CustomerRegistered
  | StoresMessage
  | BasketsMessage
  | DepotMessage
  | PaymentsMessage;

const subjectOf = (type: string) => {
  if (type.startsWith('ordersapi.')) return ORDER_CHANNEL;
  if (type.startsWith('basketsapi.')) return BASKET_CHANNEL;
  if (type.startsWith('depotapi.')) return SHOPPING_LIST_CHANNEL;
  if (type.startsWith('paymentsapi.')) return INVOICE_CHANNEL;
  if (type.startsWith('customersapi.')) return CUSTOMER_CHANNEL;
  return type.startsWith('storesapi.Store') ? STORE_CHANNEL : PRODUCT_CHANNEL;
};

/** A host running Search alone, on a fresh database: the test plays every other context. */
export async function startSearchHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  options: { liveHeartbeatMs?: number } = {},
): Promise<SearchHost> {
  const customers = new FakeCustomers();
  const observed = new Set<string>();
  const waiters = new Set<() => void>();
  const rebuilds: Array<RebuildResult | Error> = [];
  const rebuildWaiters = new Set<() => void>();
  let projector!: Projector;
  let tracker!: Projector;
  const api = await startTestHost(
    backend,
    [
      createSearchModule({
        customers,
        onMessage: (message) => {
          observed.add(message.id);
          for (const wake of [...waiters]) wake();
        },
        onProjector: (running) => {
          projector = running;
        },
        onTrackingProjector: (running) => {
          tracker = running;
        },
        ...options,
        onRebuilt: (outcome) => {
          rebuilds.push(outcome);
          for (const wake of [...rebuildWaiters]) wake();
        },
      }),
    ],
    { broker },
  );
  const published: string[] = [];
  const whenAll = async (pending: () => boolean, wakers: Set<() => void>, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (pending()) {
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      wakers.add(wake);
      if (!pending()) {
        wakers.delete(wake);
        break;
      }
      const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
      await woken;
      clearTimeout(timer);
      wakers.delete(wake);
      if (Date.now() > deadline && pending()) throw new Error('timed out waiting for Search');
    }
  };
  const search = async (body: unknown) => {
    const response = await api.call('POST', '/api/search/orders', body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ orders: SearchOrderDto[]; next?: string }>();
  };
  return {
    ...api,
    customers,
    get projector() {
      return projector;
    },
    get tracker() {
      return tracker;
    },
    async publish(message, time = new Date()) {
      const envelope = newEnvelope(
        message.type.split('.')[0]!.replace(/api$/, ''),
        { type: message.type, subject: subjectOf(message.type), key: message.data.id, data: message.data },
        { now: time },
      );
      published.push(envelope.id);
      await api.host.broker.publish([envelope]);
      return envelope;
    },
    async settled() {
      await whenAll(() => published.some((id) => !observed.has(id)), waiters);
      await projector.caughtUp();
      await tracker.caughtUp();
    },
    search,
    async getOrder(id) {
      const response = await api.call('GET', `/api/search/orders/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ order: SearchOrderDto }>().order;
    },
    async searchAll(filters, limit = 100) {
      const all: SearchOrderDto[] = [];
      let next: string | undefined;
      do {
        const page = await search({ filters, limit, ...(next ? { next } : {}) });
        all.push(...page.orders);
        next = page.next;
      } while (next);
      return all;
    },
    async rebuilt() {
      const seen = rebuilds.length;
      await whenAll(() => rebuilds.length === seen, rebuildWaiters);
      return rebuilds.at(-1)!;
    },
  };
}

export const newId = () => randomUUID();

export interface ItemSpec {
  productId: string;
  storeId: string;
  productName: string;
  storeName: string;
  priceCents: number;
  quantity: number;
}

export const orderCreated = (
  id: string,
  customerId: string,
  items: readonly ItemSpec[],
): OrderingMessage => ({
  type: 'ordersapi.OrderCreated',
  data: {
    id,
    customerId,
    paymentId: `pay-${id.slice(0, 8)}`,
    items: [...items],
    totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
  },
});

const common = (id: string, customerId: string) => ({ id, customerId, paymentId: `pay-${id.slice(0, 8)}` });

/** The message that moves an order to `status`, in Ordering's words. */
export function statusMessage(
  status: 'approved' | 'rejected' | 'ready' | 'canceled' | 'completed',
  id: string,
  customerId: string,
  ready: { totalCents: number; unavailableItems?: Array<{ storeId: string; productId: string }> } = {
    totalCents: 0,
  },
): OrderingMessage {
  switch (status) {
    case 'approved':
      return {
        type: 'ordersapi.OrderApproved',
        data: { ...common(id, customerId), shoppingListId: newId() },
      };
    case 'rejected':
      return { type: 'ordersapi.OrderRejected', data: { ...common(id, customerId), reason: 'no funds' } };
    case 'ready':
      return {
        type: 'ordersapi.OrderReadied',
        data: {
          ...common(id, customerId),
          totalCents: ready.totalCents,
          unavailableItems: ready.unavailableItems ?? [],
        },
      };
    case 'canceled':
      return { type: 'ordersapi.OrderCanceled', data: { ...common(id, customerId), canceledBy: 'customer' } };
    case 'completed':
      return { type: 'ordersapi.OrderCompleted', data: { id, customerId, invoiceId: newId() } };
  }
}
