import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { checkOut, eventually, type MallbotsClient, mallbotsClient, stockedMall } from '../cosec/support.js';
import type { DeliveryDto, NotificationDto } from './support/host.js';

const HOST_START_MS = 60_000;

// Every MallBots module, as `npm start` runs them: the customer registers and checks out over REST, and hears
// by SMS that the order was received, that it is ready with the total to pay, and that the staff canceled it.
describe.each(testSetups)(
  'SMS about an order, end to end, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let arm: string;
    let wheel: string;
    let customerId: string;
    let orderId: string;

    beforeAll(async () => {
      api = await startTestHost(backend, mallbots.modules, { broker });
      mall = mallbotsClient(api.call);
      ({ arm, wheel } = await stockedMall(mall));
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const history = async () => {
      const response = await api.call('GET', `/api/notifications/customers/${customerId}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ notifications: NotificationDto[] }>().notifications;
    };
    const sentHistory = (count: number) =>
      eventually(
        history,
        (entries) => entries.length >= count && entries.every((entry) => entry.status === 'sent'),
        `${count} notifications sent to ${customerId}`,
      );
    const deliveryOf = async (id: string) => {
      const response = await api.call('GET', '/admin/notifications/sms?to=%2B15551234567&limit=100');
      expect(response.statusCode, response.body).toBe(200);
      return response
        .json<{ deliveries: DeliveryDto[] }>()
        .deliveries.filter((delivery) => delivery.idempotencyKey === id);
    };

    it('texts the customer that the order was received', async () => {
      customerId = await mall.registerCustomer();
      const { basketId } = await checkOut(mall, customerId, [
        [arm, 2],
        [wheel, 1],
      ]);
      orderId = basketId;
      const [created] = await sentHistory(1);
      expect(created).toMatchObject({ kind: 'order_created', orderId, to: '+15551234567' });
      expect(created!.text).toBe(
        `Hi Ada, we received your order ${orderId.slice(0, 8).toUpperCase()}. We will text you when it is ready for pickup.`,
      );
      expect(await deliveryOf(created!.id)).toEqual([
        expect.objectContaining({ to: '+15551234567', text: created!.text }),
      ]);
    });

    it('texts the customer that the order is ready, with the total to pay', async () => {
      const approved = await mall.settledOrder(orderId);
      expect(approved.status, approved.rejectionReason).toBe('approved');
      const listId = approved.shoppingListId!;
      const assigned = await api.call('PUT', `/api/depot/shopping/${listId}/assign`, { botId: 'bot-1' });
      expect(assigned.statusCode, assigned.body).toBe(204);
      const completed = await api.call('PUT', `/api/depot/shopping/${listId}/complete`);
      expect(completed.statusCode, completed.body).toBe(204);
      const [ready, created] = await sentHistory(2);
      expect(created!.kind).toBe('order_created');
      expect(ready).toMatchObject({ kind: 'order_ready', orderId, to: '+15551234567' });
      expect(ready!.text).toContain('is ready for pickup at the depot. Total to pay: $44.98.');
      expect(await deliveryOf(ready!.id)).toHaveLength(1);
      expect(await deliveryOf(created!.id)).toHaveLength(1);
    });

    it('texts the customer that the depot staff canceled the ready order, with their reason', async () => {
      const canceled = await api.call('POST', `/api/ordering/${orderId}/staff-cancel`, {
        reason: 'the customer did not come',
      });
      expect(canceled.statusCode, canceled.body).toBe(204);
      const [cancel] = await sentHistory(3);
      expect(cancel).toMatchObject({ kind: 'order_canceled', orderId, to: '+15551234567' });
      expect(cancel!.text).toMatch(/was canceled by the depot staff: the customer did not come\.$/);
      expect(await deliveryOf(cancel!.id)).toHaveLength(1);
    });
  },
);
