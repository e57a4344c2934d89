import type { Envelope } from '@tessera/platform/messaging';
import { metricsRegistry } from '@tessera/platform/observability';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASKET_CHANNEL, basketsMessages } from '../../../src/baskets/contract/integration-events.js';
import { UNREACHABLE_CUSTOMER } from '../../support/customers.js';
import {
  type BasketsHost,
  CUSTOMER,
  expectProblem,
  HOST_START_MS,
  startBasketsHost,
  unknownId,
} from '../support/host.js';

const counter = async (name: string) =>
  (await metricsRegistry.getSingleMetric(name)!.get()).values.reduce((sum, value) => sum + value.value, 0);

// Stores' messages reach the caches, and the checkout's reach the test, through each broker.
describe.each(testSetups)(
  'Baskets API end to end, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: BasketsHost;
    let storeId: string;
    let robotId: string;
    let gearId: string;
    const published: Envelope[] = [];
    let wakePublished: (() => void) | undefined;
    /** Resolves with the first published message that matches, waking on each delivery to the test group. */
    const publishedMessage = async (matches: (message: Envelope) => boolean) => {
      // The check and the registration run in one synchronous step, so no delivery falls between them.
      while (!published.some(matches)) await new Promise<void>((resolve) => (wakePublished = resolve));
      return published.find(matches)!;
    };

    beforeAll(async () => {
      api = await startBasketsHost(backend, {}, broker);
      await api.host.broker.subscribe({
        group: 'baskets-api-test',
        subjects: [BASKET_CHANNEL],
        handle: async (message) => {
          published.push(message);
          wakePublished?.();
          wakePublished = undefined;
        },
      });
      storeId = await api.createStore('Robot Emporium');
      expect((await api.call('PUT', `/api/stores/${storeId}/participating`)).statusCode).toBe(204);
      robotId = await api.addProduct(storeId, { name: 'Robot Arm', price: 19.99 });
      gearId = await api.addProduct(storeId, { name: 'Gear', price: 0.29 });
      await api.cached(robotId);
      await api.cached(gearId);
    }, HOST_START_MS);
    afterAll(() => api.close());

    const addItem = (id: string, productId: string, quantity: number) =>
      api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity });
    const removeItem = (id: string, productId: string, quantity: number) =>
      api.call('PUT', `/api/baskets/${id}/removeItem`, { productId, quantity });

    it('starts a basket, fills it, shows names, prices and total, and checks it out publishing every item', async () => {
      const [started, checkedOut] = [
        await counter('baskets_started_total'),
        await counter('baskets_checked_out_total'),
      ];
      const response = await api.call('POST', '/api/baskets', { customerId: CUSTOMER.toUpperCase() });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(response.headers.location).toBe(`/api/baskets/${id}`);
      expect(await api.getBasket(id)).toEqual({
        id,
        customerId: CUSTOMER,
        status: 'open',
        items: [],
        total: 0,
      });

      expect((await addItem(id, robotId, 1)).statusCode).toBe(204);
      expect((await addItem(id, gearId, 3)).statusCode).toBe(204);
      expect((await addItem(id, robotId, 1)).statusCode).toBe(204);
      expect((await removeItem(id, gearId, 1)).statusCode).toBe(204);
      const basket = await api.getBasket(id);
      expect(basket.items).toEqual([
        {
          storeId,
          productId: robotId,
          storeName: 'Robot Emporium',
          productName: 'Robot Arm',
          price: 19.99,
          quantity: 2,
        },
        {
          storeId,
          productId: gearId,
          storeName: 'Robot Emporium',
          productName: 'Gear',
          price: 0.29,
          quantity: 2,
        },
      ]);
      expect(basket.total).toBe(40.56);

      expect(
        (await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: ' pay-42 ' })).statusCode,
      ).toBe(204);
      expect(await api.getBasket(id)).toMatchObject({
        status: 'checked_out',
        paymentId: 'pay-42',
        total: 40.56,
      });

      await publishedMessage((m) => m.key === id && m.type === 'basketsapi.BasketCheckedOut');
      const mine = published.filter((message) => message.key === id);
      expect(mine.map((message) => message.type)).toEqual([
        'basketsapi.BasketStarted',
        'basketsapi.BasketCheckedOut',
      ]);
      expect(
        mine.every((message) => message.source === 'baskets' && message.subject === BASKET_CHANNEL),
      ).toBe(true);
      expect(mine[0]!.data).toEqual({ id, customerId: CUSTOMER });
      expect(mine[1]!.data).toEqual({
        id,
        customerId: CUSTOMER,
        paymentId: 'pay-42',
        items: [
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
            quantity: 2,
          },
        ],
      });
      expect(() => basketsMessages['basketsapi.BasketCheckedOut'].parse(mine[1]!.data)).not.toThrow();
      expect(await counter('baskets_started_total')).toBe(started + 1);
      expect(await counter('baskets_checked_out_total')).toBe(checkedOut + 1);

      // Checked out: nothing changes any more.
      expectProblem(await addItem(id, robotId, 1), 409, { code: 'basket_not_open' });
      expectProblem(await removeItem(id, robotId, 1), 409, { code: 'basket_not_open' });
      expectProblem(await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: 'again' }), 409, {
        code: 'basket_not_open',
      });
      expectProblem(await api.call('DELETE', `/api/baskets/${id}`), 409, {
        code: 'basket_not_cancelable',
        detail: 'the basket cannot be canceled',
      });
    });

    it('cancels an open basket once: emptied, BasketCanceled published, counted', async () => {
      const before = await counter('baskets_canceled_total');
      const id = await api.startBasket();
      await addItem(id, robotId, 1);
      expect((await api.call('DELETE', `/api/baskets/${id}`)).statusCode).toBe(204);
      expect(await api.getBasket(id)).toMatchObject({ status: 'canceled', items: [], total: 0 });
      expectProblem(await api.call('DELETE', `/api/baskets/${id}`), 409, { code: 'basket_not_cancelable' });
      expectProblem(await addItem(id, robotId, 1), 409, { code: 'basket_not_open' });
      expectProblem(await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: 'p' }), 409, {
        code: 'basket_not_open',
      });
      const message = await publishedMessage((m) => m.key === id && m.type === 'basketsapi.BasketCanceled');
      expect(message.data).toEqual({ id });
      expect(await counter('baskets_canceled_total')).toBe(before + 1);
    });

    it('removes a line when its quantity reaches 0 or less, and ignores products not in the basket', async () => {
      const id = await api.startBasket();
      await addItem(id, robotId, 2);
      await addItem(id, gearId, 1);
      expect((await removeItem(id, robotId, 1)).statusCode).toBe(204);
      expect((await api.getBasket(id)).items.map((i) => [i.productName, i.quantity])).toEqual([
        ['Robot Arm', 1],
        ['Gear', 1],
      ]);
      expect((await removeItem(id, robotId, 1)).statusCode).toBe(204);
      expect((await removeItem(id, gearId, 5)).statusCode).toBe(204);
      expect((await removeItem(id, unknownId(), 1)).statusCode).toBe(204);
      expect(await api.getBasket(id)).toMatchObject({ items: [], total: 0 });
      expectProblem(await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: 'p' }), 409, {
        code: 'basket_empty',
        detail: 'the basket has no items',
      });
    });

    it('refuses the rules with 4xx problems naming the rule or field', async () => {
      const id = await api.startBasket();
      for (const quantity of [0, -1]) {
        expectProblem(await addItem(id, robotId, quantity), 400, {
          code: 'item_quantity_not_positive',
          field: 'body.quantity',
        });
        expectProblem(await removeItem(id, robotId, quantity), 400, { code: 'item_quantity_not_positive' });
      }
      expectProblem(await addItem(id, robotId, 1.5), 400, {
        code: 'invalid_request',
        field: 'body.quantity',
      });
      expectProblem(await api.call('POST', '/api/baskets', { customerId: ' ' }), 400, {
        code: 'customer_id_blank',
        detail: 'the customer id cannot be blank',
        field: 'body.customerId',
      });
      expectProblem(await api.call('POST', '/api/baskets', { customerId: 'bob' }), 400, {
        code: 'invalid_request',
        field: 'body.customerId',
      });
      expectProblem(await api.call('POST', '/api/baskets', { customerId: unknownId() }), 400, {
        code: 'customer_not_registered',
        detail: 'no customer is registered with that ID',
        field: 'body.customerId',
      });
      expectProblem(await api.call('POST', '/api/baskets', { customerId: UNREACHABLE_CUSTOMER }), 503, {
        code: 'customers_unavailable',
      });
      await addItem(id, robotId, 1);
      expectProblem(await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: '  ' }), 400, {
        code: 'payment_id_blank',
        field: 'body.paymentId',
      });
      // A payment id no storage can hold would check out and then stall the order's saga.
      expectProblem(await api.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: 'p\u0000q' }), 400, {
        code: 'invalid_request',
        field: 'body.paymentId',
      });
      expect((await api.getBasket(id)).status).toBe('open');
      expectProblem(await addItem(id, unknownId(), 1), 404, { code: 'product_not_found' });
      expectProblem(await addItem(unknownId(), robotId, 1), 404, { code: 'basket_not_found' });
      expect((await api.getBasket(id)).items).toHaveLength(1);
    });

    it('snapshots a basket at its 3rd event; reading it after gives the same basket', async () => {
      const id = await api.startBasket();
      await addItem(id, robotId, 1);
      await addItem(id, gearId, 4);
      const { rows } = await api.db.query<{ stream_version: number; data: unknown }>(
        'SELECT stream_version, data FROM baskets.snapshots WHERE stream_name = $1',
        [`baskets.Basket-${id}`],
      );
      expect(rows[0]).toMatchObject({ stream_version: 3, data: { status: 'open', customerId: CUSTOMER } });
      await removeItem(id, gearId, 1);
      expect((await api.getBasket(id)).items.map((i) => i.quantity)).toEqual([1, 3]);
    });
  },
);
