import { randomUUID } from 'node:crypto';
import type { Envelope } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  notificationIdOf,
  ordersGroup,
} from '../../../src/notifications/adapters/messaging/orders-events.js';
import { notificationsCounter } from '../../../src/notifications/adapters/observability/metrics.js';
import { postgresCustomersCache } from '../../../src/notifications/adapters/postgres/customers-cache.js';
import {
  postgresNotificationHistory,
  SMS_QUEUED_CHANNEL,
} from '../../../src/notifications/adapters/postgres/history.js';
import { createNotifications } from '../../../src/notifications/application/notifications.js';
import type { Sms } from '../../../src/notifications/application/ports.js';
import {
  eventually,
  HOST_START_MS,
  type NotificationsHost,
  orderMessages,
  startNotificationsHost,
} from '../support/host.js';

const MAX_ATTEMPTS = 3;

const counted = async (kind: string, outcome: string) =>
  (await notificationsCounter.get()).values.find(
    (value) => value.labels.kind === kind && value.labels.outcome === outcome,
  )?.value ?? 0;

describe.each(testSetups)(
  'sending SMS exactly once, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: NotificationsHost;
    /** Numbers whose sends the provider refuses, and how many more times (Infinity: always). */
    const refusals = new Map<string, number>();
    /** Numbers whose first accepted send loses its answer: the provider has it, the dispatcher hears an error. */
    const losingAnswer = new Set<string>();
    const sends: Sms[] = [];
    beforeAll(async () => {
      api = await startNotificationsHost(backend, broker, {
        dispatch: { maxAttempts: MAX_ATTEMPTS, retryBackoff: () => 20, leaseMs: 60_000 },
        smsSender: (provider) => ({
          async send(sms) {
            sends.push(sms);
            const left = refusals.get(sms.to) ?? 0;
            if (left > 0) {
              refusals.set(sms.to, left - 1);
              throw new Error('the provider said no');
            }
            await provider.send(sms);
            if (losingAnswer.delete(sms.to)) throw new Error('the provider’s answer was lost');
          },
        }),
      });
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const customerWithNumber = async (smsNumber: string) => {
      const id = await api.registerCustomer('Ada', smsNumber);
      await api.cachedNumber(id, smsNumber);
      return id;
    };
    const sendsOf = (id: string) => sends.filter((sms) => sms.idempotencyKey === id).length;

    it('retries a send the provider refuses, then marks the notification failed with the reason', async () => {
      const number = '+15551110001';
      const customerId = await customerWithNumber(number);
      refusals.set(number, Number.POSITIVE_INFINITY);
      const failedBefore = await counted('order_created', 'failed');
      const message = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
      const [entry] = await api.settledHistory(customerId, 1);
      expect(entry).toMatchObject({
        id: notificationIdOf(message),
        status: 'failed',
        attempts: MAX_ATTEMPTS,
        failure: 'the provider said no',
      });
      expect(entry!.sentAt).toBeUndefined();
      expect(sendsOf(entry!.id)).toBe(MAX_ATTEMPTS);
      expect(await api.deliveries(number)).toEqual([]);
      expect(await counted('order_created', 'failed')).toBe(failedBefore + 1);
    });

    it('sends on a later attempt after the provider refused the first ones', async () => {
      const number = '+15551110002';
      const customerId = await customerWithNumber(number);
      refusals.set(number, MAX_ATTEMPTS - 1);
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
      const [entry] = await api.settledHistory(customerId, 1);
      expect(entry).toMatchObject({ status: 'sent', attempts: MAX_ATTEMPTS });
      expect(entry!.failure).toBeUndefined();
      expect((await api.deliveries(number)).map((d) => d.idempotencyKey)).toEqual([entry!.id]);
    });

    it('sends once when the provider accepted but its answer was lost: the retry has the same key', async () => {
      const number = '+15551110003';
      const customerId = await customerWithNumber(number);
      losingAnswer.add(number);
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
      const [entry] = await api.settledHistory(customerId, 1);
      expect(entry).toMatchObject({ status: 'sent', attempts: 2 });
      expect(sendsOf(entry!.id)).toBe(2);
      expect(await api.deliveries(number)).toHaveLength(1);
    });

    it('sends once when a dispatcher died after sending, before marking it sent', async () => {
      // What such a crash leaves: the provider has the SMS, the notification is still queued, its lease over.
      const number = '+15551110004';
      const customerId = await customerWithNumber(number);
      const id = randomUUID();
      await api.db.query(
        `INSERT INTO notifications.fake_sms_deliveries (idempotency_key, to_number, body) VALUES ($1, $2, 'hello')`,
        [id, number],
      );
      await api.db.query(
        `INSERT INTO notifications.notifications (id, customer_id, order_id, kind, status, sms_number, body, attempts)
       VALUES ($1, $2, $3, 'order_created', 'queued', $4, 'hello', 1)`,
        [id, customerId, randomUUID(), number],
      );
      await api.db.notify(SMS_QUEUED_CHANNEL);
      const [entry] = await api.settledHistory(customerId, 1);
      expect(entry).toMatchObject({ id, status: 'sent', attempts: 2 });
      expect(sendsOf(id)).toBe(1);
      expect(await api.deliveries(number)).toEqual([
        expect.objectContaining({ idempotencyKey: id, text: 'hello' }),
      ]);
    });

    it('records and sends once a message handled twice (say, after the inbox forgot it)', async () => {
      const number = '+15551110005';
      const customerId = await customerWithNumber(number);
      const notifications = createNotifications({
        history: postgresNotificationHistory(api.db),
        cache: postgresCustomersCache(api.db),
        directory: { findCustomer: async () => undefined },
      });
      const { handle } = ordersGroup(notifications);
      const message = await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
      const again: Envelope = { ...message };
      await api.db.transaction(() => handle(again));
      await api.db.transaction(() => handle(again));
      await eventually(
        async () => api.handledOrders.some((handled) => handled.id === message.id),
        Boolean,
        'the host handled it too',
      );
      const history = await api.settledHistory(customerId, 1);
      expect(history.map((entry) => [entry.id, entry.status])).toEqual([[notificationIdOf(message), 'sent']]);
      expect(await api.deliveries(number)).toHaveLength(1);
      expect(sendsOf(notificationIdOf(message))).toBe(1);
    });
  },
);
