import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationIdOf } from '../../../src/notifications/adapters/messaging/orders-events.js';
import {
  eventually,
  HOST_START_MS,
  type NotificationsHost,
  orderMessages,
  startNotificationsHost,
} from '../support/host.js';

// Customers and Notifications in one host: the cache fills from Customers' events, and the test publishes
// Order messages as Ordering would.
describe.each(testSetups)(
  'order notifications, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: NotificationsHost;
    beforeAll(async () => {
      api = await startNotificationsHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    /** A customer with a number of their own, cached from the registration event. */
    const customerWithNumber = async () => {
      const smsNumber = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      const id = await api.registerCustomer('Ada', smsNumber);
      await api.cachedNumber(id, smsNumber);
      return { id, smsNumber };
    };

    it('caches a registered customer’s name and number from the event', async () => {
      const id = await api.registerCustomer('Grace Hopper', '+1 555-000-1111');
      await api.cachedNumber(id, '+15550001111');
      const { rows } = await api.db.query('SELECT name FROM notifications.customers_cache WHERE id = $1', [
        id,
      ]);
      expect(rows).toEqual([{ name: 'Grace Hopper' }]);
    });

    it('asks this process’s Customers when the cache misses the customer', async () => {
      const customer = await customerWithNumber();
      // As if the registration had not reached the cache yet.
      await api.db.query('DELETE FROM notifications.customers_cache WHERE id = $1', [customer.id]);
      await api.db.query('DELETE FROM notifications.cache_changes WHERE id = $1', [customer.id]);
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const [entry] = await api.settledHistory(customer.id, 1);
      expect(entry).toMatchObject({ status: 'sent', to: customer.smsNumber });
      expect(entry!.text).toMatch(/^Hi Ada, /);
      await api.cachedNumber(customer.id, customer.smsNumber);
    });

    it('texts each order event once, with its words, to the customer’s number', async () => {
      const customer = await customerWithNumber();
      const orderId = randomUUID();
      const created = await api.publishOrder(
        'ordersapi.OrderCreated',
        orderMessages.created(customer.id, orderId),
      );
      const readied = await api.publishOrder(
        'ordersapi.OrderReadied',
        orderMessages.readied(customer.id, orderId, 3998, [
          { storeId: randomUUID(), productId: randomUUID() },
        ]),
      );
      const canceled = await api.publishOrder(
        'ordersapi.OrderCanceled',
        orderMessages.canceled(customer.id, orderId, 'staff', 'the depot is closed'),
      );
      const history = await api.settledHistory(customer.id, 3);
      const reference = orderId.slice(0, 8).toUpperCase();
      // Newest first.
      expect(
        history.map(({ id, kind, status, to, orderId: order, attempts }) => ({
          id,
          kind,
          status,
          to,
          order,
          attempts,
        })),
      ).toEqual([
        {
          id: notificationIdOf(canceled),
          kind: 'order_canceled',
          status: 'sent',
          to: customer.smsNumber,
          order: orderId,
          attempts: 1,
        },
        {
          id: notificationIdOf(readied),
          kind: 'order_ready',
          status: 'sent',
          to: customer.smsNumber,
          order: orderId,
          attempts: 1,
        },
        {
          id: notificationIdOf(created),
          kind: 'order_created',
          status: 'sent',
          to: customer.smsNumber,
          order: orderId,
          attempts: 1,
        },
      ]);
      const deliveries = await api.deliveries(customer.smsNumber);
      expect(new Map(deliveries.map((d) => [d.idempotencyKey, d.text]))).toEqual(
        new Map([
          [
            notificationIdOf(created),
            `Hi Ada, we received your order ${reference}. We will text you when it is ready for pickup.`,
          ],
          [
            notificationIdOf(readied),
            `Hi Ada, your order ${reference} is ready for pickup at the depot. Total to pay: $39.98. 1 item could not be found and is not charged.`,
          ],
          [
            notificationIdOf(canceled),
            `Hi Ada, your order ${reference} was canceled by the depot staff: the depot is closed.`,
          ],
        ]),
      );
      expect(deliveries.every((d) => d.to === customer.smsNumber)).toBe(true);
      for (const entry of history) expect(entry.sentAt).toBeDefined();
    });

    it('a customer’s cancel says just that', async () => {
      const customer = await customerWithNumber();
      const orderId = randomUUID();
      await api.publishOrder('ordersapi.OrderCanceled', orderMessages.canceled(customer.id, orderId));
      const [entry] = await api.settledHistory(customer.id, 1);
      expect(entry).toMatchObject({ kind: 'order_canceled', status: 'sent' });
      expect(entry!.text).toBe(`Hi Ada, your order ${orderId.slice(0, 8).toUpperCase()} was canceled.`);
    });

    it('a duplicated message is still one notification and one SMS', async () => {
      const customer = await customerWithNumber();
      const message = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      // The same message again (a republication): the inbox, and the notification's derived id, keep one.
      await api.host.broker.publish([message]);
      await api.host.broker.publish([{ ...message, time: new Date().toISOString() }]);
      // A later message of the same key is handled after the duplicates: once it is, they are done with.
      const fence = await api.publishOrder(
        'ordersapi.OrderCanceled',
        orderMessages.canceled(customer.id, message.key),
      );
      await eventually(
        async () => api.handledOrders.some((handled) => handled.id === fence.id),
        Boolean,
        'the fence is handled',
      );
      const history = await api.settledHistory(customer.id, 2);
      expect(history.map((entry) => entry.kind)).toEqual(['order_canceled', 'order_created']);
      const deliveries = await api.deliveries(customer.smsNumber);
      expect(deliveries.filter((d) => d.idempotencyKey === notificationIdOf(message))).toHaveLength(1);
      expect(deliveries).toHaveLength(2);
    });

    it('texts the new number once the customer changed it', async () => {
      const customer = await customerWithNumber();
      const first = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      await api.settledHistory(customer.id, 1);
      await api.changeSmsNumber(customer.id, '+44 20 7946 0000');
      await api.cachedNumber(customer.id, '+442079460000');
      const second = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const history = await api.settledHistory(customer.id, 2);
      expect(history.map((entry) => [entry.id, entry.to])).toEqual([
        [notificationIdOf(second), '+442079460000'],
        [notificationIdOf(first), customer.smsNumber],
      ]);
      expect((await api.deliveries('+442079460000')).map((d) => d.idempotencyKey)).toEqual([
        notificationIdOf(second),
      ]);
      expect((await api.deliveries(customer.smsNumber)).map((d) => d.idempotencyKey)).toEqual([
        notificationIdOf(first),
      ]);
    });

    it('records nothing for a completed, approved or rejected order', async () => {
      const customer = await customerWithNumber();
      const orderId = randomUUID();
      const quiet = [
        await api.publishOrder('ordersapi.OrderApproved', {
          id: orderId,
          customerId: customer.id,
          paymentId: 'p-1',
          shoppingListId: randomUUID(),
        }),
        await api.publishOrder('ordersapi.OrderRejected', {
          id: orderId,
          customerId: customer.id,
          paymentId: 'p-1',
          reason: 'no',
        }),
        await api.publishOrder('ordersapi.OrderCompleted', orderMessages.completed(customer.id, orderId)),
      ];
      const fence = await api.publishOrder(
        'ordersapi.OrderCreated',
        orderMessages.created(customer.id, orderId),
      );
      // Same key, in order: once the fence is handled, the others would have been before it, had the group
      // taken their types (ADR 0058: it does not).
      await eventually(
        async () => api.handledOrders.some((handled) => handled.id === fence.id),
        Boolean,
        'the fence is handled',
      );
      expect(api.handledOrders.filter((handled) => quiet.some((m) => m.id === handled.id))).toEqual([]);
      const history = await api.settledHistory(customer.id, 1);
      expect(history.map((entry) => entry.id)).toEqual([notificationIdOf(fence)]);
      expect(await api.deliveries(customer.smsNumber)).toHaveLength(1);
    });
  },
);
