import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersUnavailableError } from '../../../src/customers/contract/customers-service.js';
import {
  NOTIFICATIONS_ORDERS_GROUP,
  notificationIdOf,
} from '../../../src/notifications/adapters/messaging/orders-events.js';
import { postgresCustomersCache } from '../../../src/notifications/adapters/postgres/customers-cache.js';
import type { Recipient } from '../../../src/notifications/domain/notification.js';
import {
  eventually,
  HOST_START_MS,
  type NotificationsHost,
  orderMessages,
  startNotificationsHost,
} from '../support/host.js';

// No Customers module: the cache is empty, and every look-up falls back to a directory the test controls.
describe.each(testSetups)(
  'the customers cache’s fallback, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: NotificationsHost;
    const known = new Map<string, Recipient>();
    /** Look-ups still to fail before Customers answers (Infinity: an outage). */
    let failures = new Map<string, number>();
    const asked: string[] = [];
    beforeAll(async () => {
      api = await startNotificationsHost(backend, broker, {
        withCustomers: false,
        customers: {
          async findCustomer(id) {
            asked.push(id);
            const left = failures.get(id) ?? 0;
            if (left > 0) {
              failures.set(id, left - 1);
              throw new CustomersUnavailableError('Customers could not be reached');
            }
            return known.get(id);
          },
        },
      });
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const newCustomer = (smsNumber = '+15559876543') => {
      const customer = { id: randomUUID(), name: 'Linus', smsNumber };
      known.set(customer.id, customer);
      return customer;
    };
    const cacheRow = async (id: string) =>
      (await api.db.query('SELECT name, sms_number FROM notifications.customers_cache WHERE id = $1', [id]))
        .rows[0];

    it('asks Customers on a miss, texts the number it answers, and caches it for the next time', async () => {
      const customer = newCustomer('+15550000001');
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      await api.settledHistory(customer.id, 1);
      expect(await cacheRow(customer.id)).toEqual({ name: 'Linus', sms_number: '+15550000001' });
      expect(asked.filter((id) => id === customer.id)).toHaveLength(1);

      // Customers' answer changes, but the cache answers now (its events would keep it current).
      known.set(customer.id, { ...customer, smsNumber: '+15550000002' });
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const history = await api.settledHistory(customer.id, 2);
      expect(history.map((entry) => [entry.status, entry.to])).toEqual([
        ['sent', '+15550000001'],
        ['sent', '+15550000001'],
      ]);
      expect(asked.filter((id) => id === customer.id)).toHaveLength(1);
    });

    it('retries the message while Customers cannot answer, then texts once', async () => {
      const customer = newCustomer('+15550000003');
      failures.set(customer.id, 2);
      const message = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const [entry] = await api.settledHistory(customer.id, 1);
      expect(entry).toMatchObject({ id: notificationIdOf(message), status: 'sent', to: '+15550000003' });
      expect(asked.filter((id) => id === customer.id)).toHaveLength(3);
      expect(await api.deliveries('+15550000003')).toHaveLength(1);
    });

    it('dead-letters the message after a long outage, and texts once it is re-driven', async () => {
      const customer = newCustomer('+15550000004');
      failures.set(customer.id, Number.POSITIVE_INFINITY);
      const message = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const letter = await eventually(
        async () =>
          (await api.host.broker.deadLetters.list(NOTIFICATIONS_ORDERS_GROUP)).find(
            (dead) => dead.messageId === message.id,
          ),
        (found) => found !== undefined,
        'the message is a dead letter',
      );
      expect(letter).toMatchObject({
        attempts: 5,
        reason: expect.stringContaining('Customers could not be reached'),
      });
      expect(await api.history(customer.id)).toEqual([]);

      failures = new Map();
      expect(await api.host.broker.deadLetters.redrive([letter!.id])).toBe(1);
      const [entry] = await api.settledHistory(customer.id, 1);
      expect(entry).toMatchObject({ id: notificationIdOf(message), status: 'sent', to: '+15550000004' });
    });

    it('records a skipped notification, and sends nothing, for a customer without a number', async () => {
      const customer = newCustomer('');
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customer.id));
      const [entry] = await api.settledHistory(customer.id, 1);
      expect(entry).toMatchObject({
        kind: 'order_created',
        status: 'skipped',
        skipReason: 'no_sms_number',
        attempts: 0,
      });
      expect(entry!.to).toBeUndefined();
      const sent = await api.db.query(
        'SELECT 1 FROM notifications.fake_sms_deliveries WHERE idempotency_key = $1',
        [entry!.id],
      );
      expect(sent.rows).toEqual([]);
    });

    it('records a skipped notification for a customer Customers does not know', async () => {
      const customerId = randomUUID();
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
      const [entry] = await api.settledHistory(customerId, 1);
      expect(entry).toMatchObject({ status: 'skipped', skipReason: 'customer_unknown' });
      expect(await cacheRow(customerId)).toBeUndefined();
    });

    it('does not cache a fetched value older than an event handled meanwhile', async () => {
      const cache = postgresCustomersCache(api.db);
      const id = randomUUID();
      const since = await cache.now(); // read before asking Customers…
      // …which answers the old number, while the change's event is handled before the answer is remembered.
      await api.db.transaction(() => cache.changed(id, { smsNumber: '+15550000006' }));
      await cache.remember({ id, name: 'Linus', smsNumber: '+15550000005' }, since);
      expect(await cacheRow(id)).toBeUndefined();
      // A value fetched after the event is kept.
      await cache.remember({ id, name: 'Linus', smsNumber: '+15550000006' }, await cache.now());
      expect(await cacheRow(id)).toEqual({ name: 'Linus', sms_number: '+15550000006' });
      // The registration event (late, or again) does not overwrite what is there.
      await api.db.transaction(() => cache.created({ id, name: 'Linus', smsNumber: '+15550000005' }));
      expect(await cacheRow(id)).toEqual({ name: 'Linus', sms_number: '+15550000006' });
    });
  },
);
