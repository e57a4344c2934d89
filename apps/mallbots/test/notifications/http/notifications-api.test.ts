import { randomUUID } from 'node:crypto';
import {
  expectDocumentedRoutes,
  expectPagedList,
  expectProblem,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsModule } from '../../../src/notifications/module.js';
import {
  HOST_START_MS,
  type NotificationsHost,
  orderMessages,
  startNotificationsHost,
} from '../support/host.js';

describe.each(testDatabases)('Notifications API, on $backend', (backend) => {
  let api: NotificationsHost;
  beforeAll(async () => {
    api = await startNotificationsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('documents its routes, and the admin route under the admin tag', async () => {
    await expectDocumentedRoutes(api, notificationsModule, '/api/notifications', [
      '/api/notifications/customers/{customerId}',
    ]);
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>>;
    }>();
    const admin = document.paths['/admin/notifications/sms']?.get;
    expect(admin?.tags).toEqual(['admin']);
    expect(admin?.responses).toHaveProperty('400');
  });

  it('refuses a malformed customer id, naming the parameter', async () => {
    for (const id of ['not-a-uuid', '123', `${randomUUID()}x`]) {
      expectProblem(await api.call('GET', `/api/notifications/customers/${id}`), 400, {
        code: 'invalid_request',
        field: 'params.customerId',
      });
    }
  });

  it('refuses a bad limit or an unknown parameter, naming it', async () => {
    const customer = randomUUID();
    for (const [query, field] of [
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['colour=red', 'querystring.colour'],
    ] as const) {
      expectProblem(await api.call('GET', `/api/notifications/customers/${customer}?${query}`), 400, {
        code: 'invalid_request',
        field,
      });
      expectProblem(await api.call('GET', `/admin/notifications/sms?${query}`), 400, {
        code: 'invalid_request',
        field,
      });
    }
  });

  it('refuses a `to` that is not an SMS number, naming it', async () => {
    for (const to of ['abc', '12', '5'.repeat(40)]) {
      expectProblem(await api.call('GET', `/admin/notifications/sms?to=${to}`), 400, {
        code: 'invalid_request',
        field: 'querystring.to',
      });
    }
  });

  it('answers an empty history for a customer never notified', async () => {
    expect(await api.history(randomUUID())).toEqual([]);
  });

  it('lists a customer’s notifications newest first, at most `limit`; an upper-case id is the same customer', async () => {
    const customerId = await api.registerCustomer('Ada', '+1 555 222 3333');
    await api.cachedNumber(customerId, '+15552223333');
    const orders = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of orders) {
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId, orderId));
      await api.settledHistory(customerId, orders.indexOf(orderId) + 1);
    }
    expect((await api.history(customerId)).map((entry) => entry.orderId)).toEqual([...orders].reverse());
    const limited = await api.call('GET', `/api/notifications/customers/${customerId.toUpperCase()}?limit=2`);
    expect(limited.statusCode, limited.body).toBe(200);
    expect(
      limited.json<{ notifications: Array<{ orderId: string }> }>().notifications.map((n) => n.orderId),
    ).toEqual([orders[2], orders[1]]);
  });

  it('pages a history and the deliveries, newest first, every one once', async () => {
    const customerId = await api.registerCustomer('Pat', '+15557778888');
    await api.cachedNumber(customerId, '+15557778888');
    const orders = Array.from({ length: 9 }, () => randomUUID());
    for (const orderId of orders) {
      await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId, orderId));
    }
    const settled = await api.settledHistory(customerId, orders.length);
    const history = await expectPagedList(
      api,
      `/api/notifications/customers/${customerId}`,
      'notifications',
      {
        atLeast: 9,
      },
    );
    expect(history).toEqual(settled.map((entry) => entry.id));
    const delivered = await expectPagedList(api, '/admin/notifications/sms?to=%2B15557778888', 'deliveries', {
      atLeast: 9,
      idOf: (delivery) => String(delivery.idempotencyKey),
    });
    expect([...delivered].sort()).toEqual([...history].sort());
  });

  it('lists the fake provider’s deliveries to a number, however the number is written', async () => {
    const customerId = await api.registerCustomer('Ada', '+15554445555');
    await api.cachedNumber(customerId, '+15554445555');
    await api.publishOrder('ordersapi.OrderCreated', orderMessages.created(customerId));
    const [entry] = await api.settledHistory(customerId, 1);
    for (const to of ['+15554445555', '1-555-444-5555', '+1 555 444 5555']) {
      expect((await api.deliveries(to)).map((d) => [d.idempotencyKey, d.to, d.text])).toEqual([
        [entry!.id, '+15554445555', entry!.text],
      ]);
    }
    // An unencoded + reads as a space in a query string: still the number.
    const raw = await api.call('GET', '/admin/notifications/sms?to=+15554445555');
    expect(raw.json<{ deliveries: unknown[] }>().deliveries).toHaveLength(1);
    expect(await api.deliveries('+15550000000')).toEqual([]);
    expect((await api.deliveries()).map((d) => d.idempotencyKey)).toContain(entry!.id);
  });
});
