import type { Envelope } from '@tessera/platform/messaging';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { INVOICE_CHANNEL } from '../../../src/payments/contract/integration-events.js';
import { createPaymentsModule } from '../../../src/payments/module.js';
import { registeredCustomers } from '../../support/customers.js';
import { type Recorder, recordMessages, testReplyChannel } from './messages.js';

export { expectProblem, unknownId } from '@tessera/platform/testing';

export const CUSTOMER = '0b6c3a52-8e4f-4f7e-9d1a-2c3b4d5e6f70';

export interface PaymentsHost extends TestHost {
  /** Replies on `replyChannel`, and the Invoice channel's messages. */
  readonly recorder: Recorder;
  readonly replyChannel: string;
  /** Resolves once the module has handled (and committed) the Order message with this id. */
  orderHandled(messageId: string): Promise<void>;
  authorize(amountCents: number, customerId?: string): Promise<string>;
  getInvoice(
    id: string,
  ): Promise<{ id: string; orderId: string; paymentId: string; amountCents: number; status: string }>;
}

/** One in-process host with the Payments module on a fresh database of the given backend and broker. */
export async function startPaymentsHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<PaymentsHost> {
  const handled = new Set<string>();
  const waiters = new Map<string, () => void>();
  const api = await startTestHost(
    backend,
    [
      createPaymentsModule({
        customers: registeredCustomers(CUSTOMER),
        onOrderHandled: (message: Envelope) => {
          handled.add(message.id);
          waiters.get(message.id)?.();
        },
      }),
    ],
    { broker },
  );
  const replyChannel = testReplyChannel();
  const recorder = await recordMessages(api.host.broker, [replyChannel, INVOICE_CHANNEL]);
  return {
    ...api,
    recorder,
    replyChannel,
    orderHandled: (messageId) =>
      new Promise((resolve) => {
        if (handled.has(messageId)) resolve();
        else waiters.set(messageId, resolve);
      }),
    async authorize(amountCents, customerId = CUSTOMER) {
      const response = await api.call('POST', '/api/payments', { customerId, amountCents });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
    async getInvoice(id) {
      const response = await api.call('GET', `/api/payments/invoices/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ invoice: Awaited<ReturnType<PaymentsHost['getInvoice']>> }>().invoice;
    },
  };
}

/** A host migrates its schemas and the broker's; on a loaded two-core machine a PGlite start is slow. */
export const HOST_START_MS = 120_000;
