import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { checkOut, eventually, type MallbotsClient, mallbotsClient, stockedMall } from '../cosec/support.js';
import type { SearchOrderDto } from './support.js';

const HOST_START_MS = 60_000;

// Every MallBots module, as `npm start` runs them: Search learns of stores, products, customers and orders
// only from their integration events (and Customers' service for a name it was not told), through the
// broker, and follows the order's status as the saga, the depot and the payment move it.
describe.each(testSetups)(
  'an order in search, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let storeA: string;
    let storeB: string;
    let arm: string;
    let wheel: string;

    beforeAll(async () => {
      api = await startTestHost(backend, mallbots.modules, { broker });
      mall = mallbotsClient(api.call);
      ({ storeA, storeB, arm, wheel } = await stockedMall(mall));
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const searched = async (id: string) => {
      const response = await api.call('GET', `/api/search/orders/${id}`);
      if (response.statusCode === 404) return undefined;
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ order: SearchOrderDto }>().order;
    };
    const statusOf = (id: string, status: string) =>
      eventually(
        () => searched(id),
        (order) => order?.status === status,
        `order ${id} is ${status} in search`,
      );

    it('appears with names once checked out, follows its status, and is found by its filters', async () => {
      const customerId = await mall.registerCustomer();
      const { basketId, totalCents } = await checkOut(mall, customerId, [
        [arm, 2],
        [wheel, 1],
      ]);

      const approved = await mall.settledOrder(basketId);
      expect(approved.status, approved.rejectionReason).toBe('approved');
      const inSearch = await statusOf(basketId, 'approved');
      expect(inSearch).toMatchObject({
        id: basketId,
        customerId,
        customerName: 'Ada',
        total: totalCents / 100,
        unavailableItems: [],
      });
      expect(inSearch!.items).toEqual(
        expect.arrayContaining([
          {
            productId: arm,
            storeId: storeA,
            productName: 'Robot Arm',
            storeName: 'Robot Emporium',
            price: 19.99,
            quantity: 2,
          },
          {
            productId: wheel,
            storeId: storeB,
            productName: 'Wheel',
            storeName: 'Wheel World',
            price: 5,
            quantity: 1,
          },
        ]),
      );

      const found = await api.call('POST', '/api/search/orders', {
        filters: {
          customerId,
          storeIds: [storeB],
          productIds: [arm],
          minTotal: totalCents / 100,
          status: 'approved',
        },
      });
      expect(found.statusCode, found.body).toBe(200);
      expect(found.json<{ orders: SearchOrderDto[] }>().orders.map((order) => order.id)).toEqual([basketId]);

      // The depot shops it: ready; the customer pays: completed.
      const listId = approved.shoppingListId!;
      expect(
        (await api.call('PUT', `/api/depot/shopping/${listId}/assign`, { botId: 'bot-1' })).statusCode,
      ).toBe(204);
      expect((await api.call('PUT', `/api/depot/shopping/${listId}/complete`)).statusCode).toBe(204);
      expect((await statusOf(basketId, 'ready'))!.total).toBe(totalCents / 100);
      const invoice = await eventually(
        () => api.call('GET', `/api/payments/invoices/${basketId}`),
        (response) => response.statusCode === 200,
        `the invoice of ${basketId} exists`,
      );
      const invoiceId = invoice.json<{ invoice: { id: string } }>().invoice.id;
      expect((await api.call('PUT', `/api/payments/invoices/${invoiceId}/pay`)).statusCode).toBe(204);
      await statusOf(basketId, 'completed');

      // A rebrand in Stores reaches the order's row in search.
      const rebranded = await api.call('PUT', `/api/stores/${storeB}/rebrand`, { name: 'Wheel Palace' });
      expect(rebranded.statusCode, rebranded.body).toBe(204);
      const renamed = await eventually(
        () => searched(basketId),
        (order) => order?.items.some((item) => item.storeName === 'Wheel Palace') === true,
        'the rebrand reaches search',
      );
      expect(renamed!.items.find((item) => item.productId === arm)?.storeName).toBe('Robot Emporium');
    });

    it('shows a canceled order with the status canceled', async () => {
      const customerId = await mall.registerCustomer();
      const { basketId } = await checkOut(mall, customerId, [[wheel, 3]]);
      expect((await mall.settledOrder(basketId)).status).toBe('approved');
      const canceled = await api.call('DELETE', `/api/ordering/${basketId}`);
      expect(canceled.statusCode, canceled.body).toBe(204);
      expect(await statusOf(basketId, 'canceled')).toMatchObject({ customerName: 'Ada', total: 15 });
    });
  },
);
