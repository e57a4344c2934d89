import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import {
  checkOut,
  eventually,
  type MallbotsClient,
  mallbotsClient,
  type OrderView,
  stockedMall,
} from './support.js';

const HOST_START_MS = 60_000;

interface InvoiceView {
  id: string;
  orderId: string;
  paymentId: string;
  amountCents: number;
  status: string;
}

// Every MallBots module, as `npm start` runs them: after the saga approves an order, the depot's operator
// assigns and completes its shopping list over REST, Ordering readies the order, Payments invoices it, the
// customer pays at the depot, and Ordering completes the order.
describe.each(testSetups)(
  'an approved order is fulfilled and paid, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let arm: string;
    let wheel: string;

    beforeAll(async () => {
      api = await startTestHost(backend, mallbots.modules, { broker });
      mall = mallbotsClient(api.call);
      ({ arm, wheel } = await stockedMall(mall));
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const getOrder = async (id: string) => (await mall.getOrder(id)) as OrderView & { invoiceId?: string };
    const getInvoice = async (id: string): Promise<InvoiceView | undefined> => {
      const response = await api.call('GET', `/api/payments/invoices/${id}`);
      if (response.statusCode === 404) return undefined;
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ invoice: InvoiceView }>().invoice;
    };

    it('ready once its list is completed, invoiced for its total, completed with the invoice once paid', async () => {
      const customerId = await mall.registerCustomer();
      const { basketId, totalCents, paymentId } = await checkOut(mall, customerId, [
        [arm, 2],
        [wheel, 1],
      ]);
      expect(totalCents).toBe(2 * 1999 + 500);
      const approved = await mall.settledOrder(basketId);
      expect(approved.status, approved.rejectionReason).toBe('approved');
      const listId = approved.shoppingListId!;
      expect((await mall.getShoppingList(listId)).status).toBe('available');

      // Not shopped yet: completing is refused, and the order is not ready.
      const early = await api.call('PUT', `/api/depot/shopping/${listId}/complete`);
      expect(early.statusCode, early.body).toBe(409);
      expect((await getOrder(basketId)).status).toBe('approved');

      const assigned = await api.call('PUT', `/api/depot/shopping/${listId}/assign`, { botId: 'bot-1' });
      expect(assigned.statusCode, assigned.body).toBe(204);
      const completed = await api.call('PUT', `/api/depot/shopping/${listId}/complete`);
      expect(completed.statusCode, completed.body).toBe(204);

      const ready = await eventually(
        () => getOrder(basketId),
        (order) => order.status !== 'approved',
        `order ${basketId} is no longer approved`,
      );
      expect(ready).toMatchObject({ status: 'ready', total: totalCents / 100 });
      expect(ready.invoiceId).toBeUndefined();

      const invoice = await eventually(
        () => getInvoice(basketId),
        (found) => found !== undefined,
        `the invoice of ${basketId} exists`,
      );
      expect(invoice).toEqual({
        id: basketId,
        orderId: basketId,
        paymentId,
        amountCents: totalCents,
        status: 'pending',
      });

      const paid = await api.call('PUT', `/api/payments/invoices/${invoice!.id}/pay`);
      expect(paid.statusCode, paid.body).toBe(204);
      const done = await eventually(
        () => getOrder(basketId),
        (order) => order.status !== 'ready',
        `order ${basketId} is no longer ready`,
      );
      expect(done).toMatchObject({ status: 'completed', invoiceId: invoice!.id });
      expect((await getInvoice(basketId))?.status).toBe('paid');
      expect((await mall.getShoppingList(listId)).status).toBe('completed');
    });
  },
);
