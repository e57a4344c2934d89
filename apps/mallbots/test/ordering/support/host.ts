import { randomUUID } from 'node:crypto';
import {
  type Broker,
  type Envelope,
  newEnvelope,
  onMessages,
  type Reply,
  replySchemas,
} from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import type { z } from 'zod';
import {
  type BasketCheckout,
  type BasketCheckouts,
  BasketsUnavailableError,
} from '../../../src/baskets/contract/checkouts.js';
import { BASKET_CHANNEL, basketsMessages } from '../../../src/baskets/contract/integration-events.js';
import { createBasketsModule } from '../../../src/baskets/module.js';
import { createCustomersModule } from '../../../src/customers/module.js';
import { ORDER_CHANNEL } from '../../../src/ordering/contract/integration-events.js';
import { createOrderingModule } from '../../../src/ordering/module.js';
import { createStoresModule } from '../../../src/stores/module.js';

export { expectProblem, unknownId } from '@tessera/platform/testing';

export interface OrderView {
  id: string;
  customerId: string;
  paymentId: string;
  status: string;
  items: Array<{
    storeId: string;
    productId: string;
    storeName: string;
    productName: string;
    price: number;
    quantity: number;
  }>;
  total: number;
  shoppingListId?: string;
  invoiceId?: string;
  rejectionReason?: string;
}

/** The messages a test group received on one subject, in order; tests wait on them, never on time. */
export interface Received<Message extends Envelope = Envelope> {
  readonly all: Message[];
  /** Resolves with the first message received that matches, now or when it arrives. */
  first(matches: (message: Message) => boolean): Promise<Message>;
}

function receiver<Message extends Envelope>(): Received<Message> & { add(message: Message): void } {
  const all: Message[] = [];
  const waiting = new Set<() => void>();
  return {
    all,
    add(message) {
      all.push(message);
      for (const wake of waiting) wake();
    },
    async first(matches) {
      for (;;) {
        const found = all.find(matches);
        if (found) return found;
        // Registered in the same synchronous step as the check: no arrival falls between them.
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
        });
      }
    },
  };
}

export type CheckedOut = z.infer<(typeof basketsMessages)['basketsapi.BasketCheckedOut']>;

/** Baskets' checkouts as Ordering alone sees them: the test says which baskets are checked out. */
export class FakeCheckouts implements BasketCheckouts {
  readonly checkedOut = new Map<string, BasketCheckout>();
  failing = false;
  async findCheckout(basketId: string): Promise<BasketCheckout | undefined> {
    if (this.failing) throw new BasketsUnavailableError('Baskets is down (test)');
    return this.checkedOut.get(basketId);
  }
}

export interface OrderingHost extends TestHost {
  /** Baskets' checkouts, when the host runs Ordering alone (a test fills them). */
  readonly checkouts: FakeCheckouts;
  /** What Ordering published on its channel (a test group's view). */
  readonly published: Received;
  /** The Baskets messages Ordering's group handled, once each handling committed. */
  readonly handledBaskets: Received;
  /** Replies to the commands sent with `send` (on a reply channel of this host's own). */
  readonly replies: Received<Reply>;
  readonly replyTo: string;
  getOrder(id: string): Promise<OrderView>;
  /** Publishes a checkout as Baskets does (a test of Ordering alone); returns the envelope. */
  publishCheckout(data: CheckedOut, id?: string): Promise<Envelope>;
  /** Waits until Ordering's group has handled (and committed) the message with this id. */
  handled(messageId: string): Promise<void>;
}

export const CUSTOMER = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';

async function listen(broker: Broker, group: string, subject: string, handle: (message: Envelope) => void) {
  await broker.subscribe({ group, subjects: [subject], handle: async (message) => handle(message) });
}

/**
 * One in-process host with Ordering, and with Stores, Customers and Baskets when `withBaskets` (checkouts
 * made through their REST routes), on a fresh database and the given broker. Orders are snapshotted every
 * 2 events, so orders that change go through a snapshot.
 */
export async function startOrderingHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  { withBaskets = false }: { withBaskets?: boolean } = {},
): Promise<OrderingHost> {
  const handledBaskets = receiver();
  const checkouts = new FakeCheckouts();
  const ordering = createOrderingModule({
    snapshotEvery: 2,
    onBasketsMessage: (message) => handledBaskets.add(message),
    ...(withBaskets ? {} : { checkouts }),
  });
  const modules: Module[] = withBaskets
    ? [createStoresModule(), createCustomersModule(), createBasketsModule(), ordering]
    : [ordering];
  const api = await startTestHost(backend, modules, { broker });
  const published = receiver();
  const replies = receiver<Reply>();
  const replyTo = `mallbots.tests.replies.${randomUUID().slice(0, 8)}`;
  await listen(api.host.broker, 'ordering-test-orders', ORDER_CHANNEL, (message) => published.add(message));
  const record = async (_data: unknown, message: Envelope) => replies.add(message as Reply);
  await api.host.broker.subscribe({
    group: 'ordering-test-replies',
    subjects: [replyTo],
    handle: onMessages(replySchemas, { 'reply.Success': record, 'reply.Failure': record }),
  });
  return {
    ...api,
    checkouts,
    published,
    handledBaskets,
    replies,
    replyTo,
    async getOrder(id) {
      const response = await api.call('GET', `/api/ordering/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ order: OrderView }>().order;
    },
    async publishCheckout(data, id) {
      basketsMessages['basketsapi.BasketCheckedOut'].parse(data);
      const envelope = newEnvelope('baskets', {
        ...(id ? { id } : {}),
        type: 'basketsapi.BasketCheckedOut',
        subject: BASKET_CHANNEL,
        key: data.id,
        data,
      });
      await api.host.broker.publish([envelope]);
      return envelope;
    },
    async handled(messageId) {
      await handledBaskets.first((message) => message.id === messageId);
    },
  };
}

/** Stores, Customers, Baskets and Ordering migrate four schemas and the broker's: a slow start on PGlite. */
export const HOST_START_MS = 120_000;
