import type { Envelope } from '@tessera/platform/messaging';
import { metricsRegistry } from '@tessera/platform/observability';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CHANNEL, orderingMessages } from '../../../src/ordering/contract/integration-events.js';
import {
  expectProblem,
  HOST_START_MS,
  type OrderingHost,
  startOrderingHost,
  unknownId,
} from '../support/host.js';

const counter = async (name: string) =>
  (await metricsRegistry.getSingleMetric(name)!.get()).values.reduce((sum, value) => sum + value.value, 0);

// A basket checked out through the Baskets REST routes reaches Ordering through each broker.
describe.each(testSetups)(
  'Ordering from a checked-out basket, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: OrderingHost;
    let customerId: string;
    let storeId: string;
    let robotId: string;
    let gearId: string;

    const created = async (response: Awaited<ReturnType<OrderingHost['call']>>) => {
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    };

    beforeAll(async () => {
      api = await startOrderingHost(backend, broker, { withBaskets: true });
      customerId = await created(
        await api.call('POST', '/api/customers', { name: 'Ada Lovelace', smsNumber: '+15551234567' }),
      );
      storeId = await created(
        await api.call('POST', '/api/stores', { name: 'Robot Emporium', location: 'L1' }),
      );
      expect((await api.call('PUT', `/api/stores/${storeId}/participating`)).statusCode).toBe(204);
      const product = (name: string, price: number) =>
        api.call('POST', `/api/stores/${storeId}/products`, {
          name,
          description: 'Parts',
          sku: 'P-1',
          price,
        });
      robotId = await created(await product('Robot Arm', 19.99));
      gearId = await created(await product('Gear', 0.29));
    }, HOST_START_MS);
    afterAll(() => api.close());

    /** A basket with 2 robot arms and 3 gears, checked out with `paymentId`; resolves with the basket id. */
    const checkout = async (paymentId = 'pay-42') => {
      const id = await created(await api.call('POST', '/api/baskets', { customerId }));
      for (const [productId, quantity] of [
        [robotId, 2],
        [gearId, 3],
      ] as const) {
        const added = await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity });
        expect(added.statusCode, added.body).toBe(204);
      }
      const done = await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId });
      expect(done.statusCode, done.body).toBe(204);
      return id;
    };
    const publishedFor = (id: string, type: string) =>
      api.published.first((message) => message.key === id && message.type === type);
    const ofOrder = (id: string) => api.published.all.filter((message) => message.key === id);

    it('makes a checked-out basket a pending order with the same id, its items and total, and publishes OrderCreated', async () => {
      const before = await counter('orders_created_total');
      const id = await checkout();
      const message = await publishedFor(id, 'ordersapi.OrderCreated');
      const items = [
        {
          storeId,
          productId: robotId,
          storeName: 'Robot Emporium',
          productName: 'Robot Arm',
          priceCents: 1999,
          quantity: 2,
        },
        {
          storeId,
          productId: gearId,
          storeName: 'Robot Emporium',
          productName: 'Gear',
          priceCents: 29,
          quantity: 3,
        },
      ];
      expect(message).toMatchObject({ source: 'ordering', subject: ORDER_CHANNEL, key: id });
      expect(message.data).toEqual({ id, customerId, paymentId: 'pay-42', items, totalCents: 4085 });
      expect(() => orderingMessages['ordersapi.OrderCreated'].parse(message.data)).not.toThrow();

      expect(await api.getOrder(id)).toEqual({
        id,
        customerId,
        paymentId: 'pay-42',
        status: 'pending',
        cancelable: true,
        items: items.map(({ priceCents, ...item }) => ({
          ...item,
          price: priceCents / 100,
          unavailable: false,
        })),
        total: 40.85,
      });
      // The same case-insensitive id addresses the same order.
      expect((await api.call('GET', `/api/ordering/${id.toUpperCase()}`)).statusCode).toBe(200);
      expect(await counter('orders_created_total')).toBe(before + 1);
    });

    it('makes one order of a checkout delivered twice: again under its id, and re-published under another', async () => {
      const id = await checkout('pay-twice');
      await publishedFor(id, 'ordersapi.OrderCreated');
      const original: Envelope = await api.handledBaskets.first(
        (message) => message.key === id && message.type === 'basketsapi.BasketCheckedOut',
      );
      const before = await counter('orders_created_total');

      await api.host.broker.publish([original]); // the same message again: stored and handled once
      const copy = await api.publishCheckout(original.data as never); // a copy under a new id, same key
      await api.handled(copy.id);
      expect(api.handledBaskets.all.filter((message) => message.id === original.id)).toHaveLength(1);
      const events = await api.db.query<{ event_type: string }>(
        'SELECT event_type FROM ordering.events WHERE stream_name = $1 ORDER BY stream_version',
        [`ordering.Order-${id}`],
      );
      expect(events.rows.map((row) => row.event_type)).toEqual(['ordering.OrderCreated']);
      expect((await api.getOrder(id)).status).toBe('pending');

      // A later message of the order, in key order after anything the copies could have published.
      expect((await api.call('DELETE', `/api/ordering/${id}`)).statusCode).toBe(204);
      await publishedFor(id, 'ordersapi.OrderCanceled');
      expect(ofOrder(id).map((message) => message.type)).toEqual([
        'ordersapi.OrderCreated',
        'ordersapi.OrderCanceled',
      ]);
      expect(await counter('orders_created_total')).toBe(before);
    });

    it('cancels a pending order once: status canceled, OrderCanceled published without a shopping list', async () => {
      const before = await counter('orders_canceled_total');
      const id = await checkout();
      await publishedFor(id, 'ordersapi.OrderCreated');
      expect((await api.call('DELETE', `/api/ordering/${id}`)).statusCode).toBe(204);
      expect(await api.getOrder(id)).toMatchObject({ status: 'canceled', total: 40.85 });
      const message = await publishedFor(id, 'ordersapi.OrderCanceled');
      expect(message.data).toEqual({ id, customerId, paymentId: 'pay-42', canceledBy: 'customer' });
      expect(() => orderingMessages['ordersapi.OrderCanceled'].parse(message.data)).not.toThrow();
      expectProblem(await api.call('DELETE', `/api/ordering/${id}`), 409, {
        code: 'order_not_cancelable',
        detail: 'the order cannot be canceled',
      });
      expect(await counter('orders_canceled_total')).toBe(before + 1);
    });

    it('lets the staff cancel with a reason: who and why are read back and published', async () => {
      const id = await checkout();
      await publishedFor(id, 'ordersapi.OrderCreated');
      expectProblem(await api.call('POST', `/api/ordering/${id}/staff-cancel`, { reason: '   ' }), 400, {
        code: 'invalid_request',
        field: 'body.reason',
      });
      expect((await api.getOrder(id)).status).toBe('pending');
      const answer = await api.call('POST', `/api/ordering/${id}/staff-cancel`, { reason: 'store closed' });
      expect(answer.statusCode).toBe(204);
      expect(await api.getOrder(id)).toMatchObject({
        status: 'canceled',
        canceledBy: 'staff',
        cancelReason: 'store closed',
      });
      const message = await publishedFor(id, 'ordersapi.OrderCanceled');
      expect(message.data).toEqual({
        id,
        customerId,
        paymentId: 'pay-42',
        canceledBy: 'staff',
        reason: 'store closed',
      });
      expectProblem(await api.call('POST', `/api/ordering/${id}/staff-cancel`, { reason: 'again' }), 409, {
        code: 'order_not_cancelable',
      });
    });

    it('answers 404 problems for an order that does not exist', async () => {
      for (const method of ['GET', 'DELETE'] as const) {
        expectProblem(await api.call(method, `/api/ordering/${unknownId()}`), 404, {
          code: 'order_not_found',
          detail: 'order with that ID does not exist',
        });
      }
    });

    it('has no route that creates an order: orders come from checkouts only', async () => {
      expectProblem(await api.call('POST', '/api/ordering', { customerId }), 404, { code: 'no_route' });
    });
  },
);
