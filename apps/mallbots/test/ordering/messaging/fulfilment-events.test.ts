import { randomUUID } from 'node:crypto';
import { command, type Envelope, newEnvelope, type Reply, SUCCESS_REPLY } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOPPING_LIST_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import {
  ORDERING_DEPOT_GROUP,
  ORDERING_PAYMENTS_GROUP,
} from '../../../src/ordering/adapters/messaging/fulfilment-events.js';
import { ORDERING_COMMAND_CHANNEL } from '../../../src/ordering/contract/integration-events.js';
import { INVOICE_CHANNEL } from '../../../src/payments/contract/integration-events.js';
import { eventually } from '../../cosec/support.js';
import { CUSTOMER, HOST_START_MS, type OrderingHost, startOrderingHost } from '../support/host.js';

const item = {
  storeId: '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a',
  productId: '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0',
  storeName: 'Robot Emporium',
  productName: 'Robot Arm',
  priceCents: 1999,
  quantity: 2,
};

// Ordering alone: Depot's and Payments' messages are published as those modules publish them.
describe.each(testSetups)(
  'Ordering readies and completes orders from Depot and Payments messages, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: OrderingHost;
    beforeAll(async () => {
      api = await startOrderingHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const publishedFor = (id: string, type: string) =>
      api.published.first((message) => message.key === id && message.type === type);
    const distinct = (id: string, type: string) =>
      new Set(api.published.all.filter((m) => m.key === id && m.type === type).map((message) => message.id))
        .size;

    /** An approved order (a checkout, then the saga's ApproveOrder), with its shopping list's id. */
    const approvedOrder = async () => {
      const id = randomUUID();
      const shoppingListId = randomUUID();
      await api.publishCheckout({ id, customerId: CUSTOMER, paymentId: 'pay-1', items: [item] });
      await publishedFor(id, 'ordersapi.OrderCreated');
      const sent = command('cosec', {
        type: 'ordersapi.ApproveOrder',
        channel: ORDERING_COMMAND_CHANNEL,
        key: id,
        data: { id, shoppingListId },
        replyTo: api.replyTo,
      });
      await api.host.broker.publish([sent]);
      const reply: Reply = await api.replies.first((r) => r.causationId === sent.id);
      expect(reply.type).toBe(SUCCESS_REPLY);
      return { id, shoppingListId };
    };
    const publish = async (envelope: Envelope) => {
      await api.host.broker.publish([envelope]);
      return envelope;
    };
    const listCompleted = (orderId: string, shoppingListId: string) =>
      publish(
        newEnvelope('depot', {
          type: 'depotapi.ShoppingListCompleted',
          subject: SHOPPING_LIST_CHANNEL,
          key: shoppingListId,
          data: { id: shoppingListId, orderId },
        }),
      );
    const invoicePaid = (orderId: string, invoiceId = orderId) =>
      publish(
        newEnvelope('payments', {
          type: 'paymentsapi.InvoicePaid',
          subject: INVOICE_CHANNEL,
          key: invoiceId,
          data: { id: invoiceId, orderId },
        }),
      );
    /** Waits until the group's inbox records the message: its handling committed (it changed nothing, or more). */
    const handled = async (group: string, message: Envelope) => {
      const { rows } = await api.db.query<{ table_schema: string }>(
        `SELECT table_schema FROM information_schema.columns
         WHERE table_name = 'inbox' AND column_name = 'group_name'`,
      );
      await eventually(
        async () => {
          for (const { table_schema } of rows) {
            const found = await api.db.query(
              `SELECT 1 FROM "${table_schema}".inbox WHERE group_name = $1 AND message_id = $2`,
              [group, message.id],
            );
            if (found.rows.length > 0) return true;
          }
          return false;
        },
        (done) => done,
        `${group} handled ${message.id}`,
      );
    };

    it('readies the order of a completed shopping list, then completes it with the paid invoice; copies change nothing', async () => {
      const { id, shoppingListId } = await approvedOrder();
      // Other Depot messages are dropped.
      await publish(
        newEnvelope('depot', {
          type: 'depotapi.ShoppingListAssigned',
          subject: SHOPPING_LIST_CHANNEL,
          key: shoppingListId,
          data: { id: shoppingListId, orderId: id, botId: 'bot-1' },
        }),
      );
      await listCompleted(id, shoppingListId);
      const readied = await publishedFor(id, 'ordersapi.OrderReadied');
      expect(readied.data).toMatchObject({ id, totalCents: 2 * 1999 });
      expect(await api.getOrder(id)).toMatchObject({ status: 'ready' });

      // The same completion under another message id: the order is ready already.
      await handled(ORDERING_DEPOT_GROUP, await listCompleted(id, shoppingListId));

      await invoicePaid(id);
      const completed = await publishedFor(id, 'ordersapi.OrderCompleted');
      expect(completed.data).toMatchObject({ id, invoiceId: id });
      expect(await api.getOrder(id)).toMatchObject({ status: 'completed', invoiceId: id });

      // Copies after completion: the payment again, the list's completion again.
      await handled(ORDERING_PAYMENTS_GROUP, await invoicePaid(id));
      await handled(ORDERING_DEPOT_GROUP, await listCompleted(id, shoppingListId));
      expect(await api.getOrder(id)).toMatchObject({ status: 'completed', invoiceId: id });
      expect(distinct(id, 'ordersapi.OrderReadied')).toBe(1);
      expect(distinct(id, 'ordersapi.OrderCompleted')).toBe(1);
      expect(await api.host.broker.deadLetters.list(ORDERING_DEPOT_GROUP)).toEqual([]);
      expect(await api.host.broker.deadLetters.list(ORDERING_PAYMENTS_GROUP)).toEqual([]);
    });

    it('dead-letters a paid invoice for an order not ready, which stays approved', async () => {
      const { id } = await approvedOrder();
      const paid = await invoicePaid(id);
      const letters = await eventually(
        () => api.host.broker.deadLetters.list(ORDERING_PAYMENTS_GROUP),
        (letters) => letters.some((letter) => letter.messageId === paid.id),
        'the early InvoicePaid is dead-lettered',
      );
      const dead = letters.find((letter) => letter.messageId === paid.id);
      expect(dead?.reason).toContain('the order cannot be completed: it is not ready');
      expect(await api.getOrder(id)).toMatchObject({ status: 'approved' });
    });
  },
);
