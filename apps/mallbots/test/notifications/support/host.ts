import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createCustomersModule } from '../../../src/customers/module.js';
import {
  createNotificationsModule,
  type NotificationsModuleOptions,
} from '../../../src/notifications/module.js';
import {
  ORDER_CHANNEL,
  type OrderingMessage,
  type OrderingMessageType,
} from '../../../src/ordering/contract/integration-events.js';
import { eventually } from '../../cosec/support.js';

export { eventually };

export const HOST_START_MS = 120_000;

export interface NotificationDto {
  id: string;
  orderId: string;
  kind: string;
  status: string;
  to?: string;
  text: string;
  skipReason?: string;
  attempts: number;
  failure?: string;
  createdAt: string;
  sentAt?: string;
}

export interface DeliveryDto {
  idempotencyKey: string;
  to: string;
  text: string;
  deliveredAt: string;
}

export interface NotificationsHost extends TestHost {
  /** Customers registered over REST (with Customers in the host). */
  registerCustomer(name?: string, smsNumber?: string): Promise<string>;
  changeSmsNumber(customerId: string, smsNumber: string): Promise<void>;
  /** Publishes an Order message as Ordering would (outside any transaction). */
  publishOrder<Type extends OrderingMessageType>(
    type: Type,
    data: Extract<OrderingMessage, { type: Type }>['data'] | Record<string, unknown>,
  ): Promise<Envelope>;
  history(customerId: string): Promise<NotificationDto[]>;
  deliveries(to?: string): Promise<DeliveryDto[]>;
  /** Waits until the customer's history has `count` entries none of which is queued. */
  settledHistory(customerId: string, count: number): Promise<NotificationDto[]>;
  /** Waits until the cache row of the customer has this SMS number. */
  cachedNumber(customerId: string, smsNumber: string): Promise<void>;
  /** Order messages handled (committed) by Notifications, by id. */
  readonly handledOrders: Envelope[];
}

/**
 * One in-process host with Notifications (and Customers, unless `withCustomers` is false) on a fresh
 * database. Order messages are published by the test, as Ordering would.
 */
export async function startNotificationsHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  options: NotificationsModuleOptions & { withCustomers?: boolean } = {},
): Promise<NotificationsHost> {
  const { withCustomers = true, ...moduleOptions } = options;
  const handledOrders: Envelope[] = [];
  const api = await startTestHost(
    backend,
    [
      ...(withCustomers ? [createCustomersModule()] : []),
      createNotificationsModule({
        ...moduleOptions,
        onOrdersMessage: (message) => {
          handledOrders.push(message);
          moduleOptions.onOrdersMessage?.(message);
        },
      }),
    ],
    { broker },
  );
  const history = async (customerId: string) => {
    const response = await api.call('GET', `/api/notifications/customers/${customerId}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ notifications: NotificationDto[] }>().notifications;
  };
  return {
    ...api,
    handledOrders,
    async registerCustomer(name = 'Ada', smsNumber = '+15551234567') {
      const response = await api.call('POST', '/api/customers', { name, smsNumber });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
    async changeSmsNumber(customerId, smsNumber) {
      const response = await api.call('PUT', `/api/customers/${customerId}/change-sms`, { smsNumber });
      expect(response.statusCode, response.body).toBe(204);
    },
    async publishOrder(type, data) {
      const message = newEnvelope('ordering', {
        type,
        subject: ORDER_CHANNEL,
        key: String((data as { id: string }).id),
        data,
      });
      await api.host.broker.publish([message]);
      return message;
    },
    history,
    async deliveries(to) {
      const query = to === undefined ? '' : `?to=${encodeURIComponent(to)}`;
      const response = await api.call('GET', `/admin/notifications/sms${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ deliveries: DeliveryDto[] }>().deliveries;
    },
    settledHistory: (customerId, count) =>
      eventually(
        () => history(customerId),
        (entries) => entries.length >= count && entries.every((entry) => entry.status !== 'queued'),
        `${count} settled notifications of ${customerId}`,
      ),
    async cachedNumber(customerId, smsNumber) {
      await eventually(
        async () =>
          (
            await api.db.query<{ sms_number: string }>(
              'SELECT sms_number FROM notifications.customers_cache WHERE id = $1',
              [customerId],
            )
          ).rows[0]?.sms_number,
        (found) => found === smsNumber,
        `the cache has ${smsNumber} for ${customerId}`,
      );
    },
  };
}

/** Order messages' data, as Ordering publishes them. */
export const orderMessages = {
  created: (customerId: string, orderId: string = randomUUID()) => ({
    id: orderId,
    customerId,
    paymentId: randomUUID(),
    items: [
      {
        storeId: randomUUID(),
        productId: randomUUID(),
        storeName: 'Robot Emporium',
        productName: 'Robot Arm',
        priceCents: 1999,
        quantity: 2,
      },
    ],
    totalCents: 3998,
  }),
  readied: (
    customerId: string,
    orderId: string,
    totalCents: number,
    unavailableItems: Array<{ storeId: string; productId: string }> = [],
  ) => ({ id: orderId, customerId, paymentId: randomUUID(), totalCents, unavailableItems }),
  canceled: (
    customerId: string,
    orderId: string,
    canceledBy: 'customer' | 'staff' = 'customer',
    reason?: string,
  ) => ({
    id: orderId,
    customerId,
    paymentId: randomUUID(),
    canceledBy,
    ...(reason === undefined ? {} : { reason }),
  }),
  completed: (customerId: string, orderId: string) => ({ id: orderId, customerId, invoiceId: randomUUID() }),
};
