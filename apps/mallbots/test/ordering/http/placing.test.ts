import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BasketCheckout } from '../../../src/baskets/contract/checkouts.js';
import {
  expectProblem,
  HOST_START_MS,
  type OrderingHost,
  startOrderingHost,
  unknownId,
} from '../support/host.js';

const customerRoles = ['customer'];

/** A basket Baskets says is checked out, whose checkout Ordering has not handled (yet). */
const checkoutOf = (customerId = randomUUID()): BasketCheckout => ({
  id: randomUUID(),
  customerId,
  paymentId: `pay-${randomUUID().slice(0, 8)}`,
  items: [
    {
      storeId: randomUUID(),
      productId: randomUUID(),
      storeName: 'Bolt Shop',
      productName: 'Bolt',
      priceCents: 250,
      quantity: 3,
    },
  ],
});

// Ordering alone: the test plays Baskets (which baskets are checked out) and its checkout messages, so it
// decides when Ordering learns of a checkout, and can make the cancel come first.
describe.each(testSetups)(
  'An order being placed (checked out, not made yet), through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: OrderingHost;

    beforeAll(async () => {
      api = await startOrderingHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api.close());

    const placing = () => {
      const checkout = checkoutOf();
      api.checkouts.checkedOut.set(checkout.id, checkout);
      return { checkout, customer: api.as({ subject: checkout.customerId, roles: customerRoles }) };
    };
    const ofOrder = (id: string) => api.published.all.filter((message) => message.key === id);
    const eventsOf = async (id: string) =>
      (
        await api.db.query<{ type: string }>(
          'SELECT event_type AS type FROM ordering.events WHERE stream_name = $1 ORDER BY stream_version',
          [`ordering.Order-${id}`],
        )
      ).rows.map((row) => row.type);

    it('answers an order being placed, with its checkout’s items and total, never 404', async () => {
      const { checkout, customer } = placing();
      const response = await customer.call('GET', `/api/ordering/${checkout.id}`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        order: {
          id: checkout.id,
          customerId: checkout.customerId,
          paymentId: checkout.paymentId,
          status: 'placing',
          cancelable: true,
          items: checkout.items.map(({ priceCents: _cents, ...item }) => ({
            ...item,
            price: 2.5,
            unavailable: false,
          })),
          total: 7.5,
        },
      });
      await expectProblem(
        await api
          .as({ subject: randomUUID(), roles: customerRoles })
          .call('GET', `/api/ordering/${checkout.id}`),
        403,
        { code: 'not_yours' },
      );
      await expectProblem(await api.call('GET', `/api/ordering/${unknownId()}`), 404, {
        code: 'order_not_found',
      });
    });

    it('honours a cancel that comes before the checkout: made and canceled at once, only the cancel published; the checkout then changes nothing', async () => {
      const { checkout, customer } = placing();
      const canceled = await customer.call('DELETE', `/api/ordering/${checkout.id}`);
      expect(canceled.statusCode, canceled.body).toBe(204);
      const order = await api.getOrder(checkout.id);
      expect(order).toMatchObject({ status: 'canceled', canceledBy: 'customer', total: 7.5 });
      expect(order).toMatchObject({ cancelable: false });

      const cancel = await api.published.first(
        (message) => message.key === checkout.id && message.type === 'ordersapi.OrderCanceled',
      );
      expect(cancel.data).toEqual({
        id: checkout.id,
        customerId: checkout.customerId,
        paymentId: checkout.paymentId,
        canceledBy: 'customer',
      });

      // The checkout arrives now, and then again under another message id: the order is found made.
      const first = await api.publishCheckout(checkout);
      await api.handled(first.id);
      const again = await api.publishCheckout(checkout);
      await api.handled(again.id);
      expect(await api.getOrder(checkout.id)).toMatchObject({ status: 'canceled' });
      // The checkouts recorded nothing (messages are published only with what a save records), so the
      // order was never offered to the saga: no OrderCreated, ever; one cancel.
      expect(await eventsOf(checkout.id)).toEqual(['ordering.OrderCreated', 'ordering.OrderCanceled']);
      expect(ofOrder(checkout.id).map((message) => message.type)).toEqual(['ordersapi.OrderCanceled']);

      await expectProblem(await customer.call('DELETE', `/api/ordering/${checkout.id}`), 409, {
        code: 'order_not_cancelable',
      });
    });

    it('answers a repeated cancel with the same Idempotency-Key alike, canceling once', async () => {
      const { checkout } = placing();
      const token = await api.tokenFor({ subject: checkout.customerId, roles: customerRoles });
      const cancel = () =>
        api.host.http.inject({
          method: 'DELETE',
          url: `/api/ordering/${checkout.id}`,
          headers: { authorization: `Bearer ${token}`, 'idempotency-key': `cancel-${checkout.id}` },
        });
      expect((await cancel()).statusCode).toBe(204);
      expect((await cancel()).statusCode).toBe(204);
      await api.published.first(
        (message) => message.key === checkout.id && message.type === 'ordersapi.OrderCanceled',
      );
      expect(await eventsOf(checkout.id)).toEqual(['ordering.OrderCreated', 'ordering.OrderCanceled']);
    });

    it('ends canceled, with one cancel published, whichever of the cancel and the checkout wins a race', async () => {
      const { checkout, customer } = placing();
      const [response, message] = await Promise.all([
        customer.call('DELETE', `/api/ordering/${checkout.id}`),
        api.publishCheckout(checkout),
      ]);
      await api.handled(message.id);
      // Truly at once: the cancel lost the append and says so; the client tries again and cancels the order.
      if (response.statusCode === 409) {
        expect(response.json()).toMatchObject({ code: 'concurrent_modification' });
        expect((await customer.call('DELETE', `/api/ordering/${checkout.id}`)).statusCode).toBe(204);
      } else {
        expect(response.statusCode, response.body).toBe(204);
      }
      expect(await api.getOrder(checkout.id)).toMatchObject({ status: 'canceled' });
      await api.published.first(
        (published) => published.key === checkout.id && published.type === 'ordersapi.OrderCanceled',
      );
      const types = ofOrder(checkout.id).map((published) => published.type);
      expect(types.filter((type) => type === 'ordersapi.OrderCanceled')).toHaveLength(1);
      // Created first (then canceled as a pending order), or canceled while placing (never created outside).
      expect(types.filter((type) => type === 'ordersapi.OrderCreated').length).toBeLessThanOrEqual(1);
    });

    it('refuses a cancel from another customer while placing, and 404 for a basket not checked out', async () => {
      const { checkout } = placing();
      await expectProblem(
        await api
          .as({ subject: randomUUID(), roles: customerRoles })
          .call('DELETE', `/api/ordering/${checkout.id}`),
        403,
        { code: 'not_yours' },
      );
      expect((await api.call('GET', `/api/ordering/${checkout.id}`)).json()).toMatchObject({
        order: { status: 'placing' },
      });
      await expectProblem(await api.call('DELETE', `/api/ordering/${unknownId()}`), 404, {
        code: 'order_not_found',
      });
    });

    it('answers 503 when Baskets cannot be asked about an order not made, and nothing is recorded', async () => {
      const { checkout, customer } = placing();
      api.checkouts.failing = true;
      try {
        await expectProblem(await customer.call('GET', `/api/ordering/${checkout.id}`), 503, {
          code: 'baskets_unavailable',
        });
        await expectProblem(await customer.call('DELETE', `/api/ordering/${checkout.id}`), 503, {
          code: 'baskets_unavailable',
        });
      } finally {
        api.checkouts.failing = false;
      }
      expect((await api.call('GET', `/api/ordering/${checkout.id}`)).json()).toMatchObject({
        order: { status: 'placing' },
      });
    });
  },
);
