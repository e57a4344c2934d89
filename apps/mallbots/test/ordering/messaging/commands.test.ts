import { randomUUID } from 'node:crypto';
import { command, FAILURE_REPLY, type Reply, SUCCESS_REPLY } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDERING_COMMANDS_GROUP } from '../../../src/ordering/adapters/messaging/commands.js';
import {
  ORDERING_COMMAND_CHANNEL,
  orderingMessages,
  orderingReceives,
} from '../../../src/ordering/contract/integration-events.js';
import {
  CUSTOMER,
  expectProblem,
  HOST_START_MS,
  type OrderingHost,
  startOrderingHost,
  unknownId,
} from '../support/host.js';

const APPROVE = 'ordersapi.ApproveOrder';
const REJECT = 'ordersapi.RejectOrder';
const item = {
  storeId: '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a',
  productId: '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0',
  storeName: 'Robot Emporium',
  productName: 'Robot Arm',
  priceCents: 1999,
  quantity: 2,
};

// Ordering alone: checkouts are published as Baskets publishes them, commands are sent as the saga sends them.
describe.each(testSetups)(
  'Ordering answers ApproveOrder and RejectOrder, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: OrderingHost;
    beforeAll(async () => {
      api = await startOrderingHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api.close());

    const publishedFor = (id: string, type: string) =>
      api.published.first((message) => message.key === id && message.type === type);
    const typesOf = (id: string) =>
      api.published.all.filter((message) => message.key === id).map((message) => message.type);

    /** A pending order, made from a checkout: resolves with its id once OrderCreated is published. */
    const pendingOrder = async () => {
      const id = randomUUID();
      await api.publishCheckout({ id, customerId: CUSTOMER, paymentId: 'pay-1', items: [item] });
      await publishedFor(id, 'ordersapi.OrderCreated');
      return id;
    };
    /** Sends a command as the saga does, keyed by its order; resolves with its reply. */
    const send = async (type: string, data: { id: string } & Record<string, unknown>): Promise<Reply> => {
      const sent = command('cosec', {
        type,
        channel: ORDERING_COMMAND_CHANNEL,
        key: data.id,
        data,
        replyTo: api.replyTo,
      });
      await api.host.broker.publish([sent]);
      const reply = await api.replies.first((r) => r.causationId === sent.id);
      expect(reply).toMatchObject({
        source: 'ordering',
        subject: api.replyTo,
        key: data.id,
        correlationId: sent.correlationId,
      });
      return reply;
    };
    const success = (type: string) => ({ type: SUCCESS_REPLY, data: { command: type } });
    const failure = (type: string, kind: string, code: string) => ({
      type: FAILURE_REPLY,
      data: { command: type, kind, code },
    });
    const notPending = (type: string) => failure(type, 'failed_precondition', 'order_not_pending');
    /** Cancels and waits for OrderCanceled: every message the order published before is in by then (key order). */
    const cancelAndSettle = async (id: string) => {
      expect((await api.call('DELETE', `/api/ordering/${id}`)).statusCode).toBe(204);
      return publishedFor(id, 'ordersapi.OrderCanceled');
    };

    it('approves a pending order: Success, status approved with its shopping list, OrderApproved published', async () => {
      const id = await pendingOrder();
      const shoppingListId = randomUUID();
      expect(await send(APPROVE, { id, shoppingListId })).toMatchObject(success(APPROVE));
      expect(await api.getOrder(id)).toMatchObject({ status: 'approved', shoppingListId });
      const approved = await publishedFor(id, 'ordersapi.OrderApproved');
      expect(approved.data).toEqual({ id, customerId: CUSTOMER, paymentId: 'pay-1', shoppingListId });
      expect(() => orderingMessages['ordersapi.OrderApproved'].parse(approved.data)).not.toThrow();

      // Snapshotted at version 2 (the host snapshots every 2 events): what follows loads from the snapshot.
      const snapshot = await api.db.query<{ stream_version: number }>(
        'SELECT stream_version FROM ordering.snapshots WHERE stream_name = $1',
        [`ordering.Order-${id}`],
      );
      expect(snapshot.rows).toEqual([{ stream_version: 2 }]);

      // The same approval again (a saga retrying) succeeds and records nothing; another list is refused.
      expect(await send(APPROVE, { id, shoppingListId })).toMatchObject(success(APPROVE));
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(notPending(APPROVE));
      expect(await send(REJECT, { id, reason: 'too late' })).toMatchObject(notPending(REJECT));
      expect(await api.getOrder(id)).toMatchObject({ status: 'approved', shoppingListId });

      // An approved order can still be canceled; the cancellation names its shopping list for Depot.
      const canceled = await cancelAndSettle(id);
      expect(canceled.data).toEqual({
        id,
        customerId: CUSTOMER,
        paymentId: 'pay-1',
        shoppingListId,
        canceledBy: 'customer',
      });
      expect(typesOf(id)).toEqual([
        'ordersapi.OrderCreated',
        'ordersapi.OrderApproved',
        'ordersapi.OrderCanceled',
      ]);
    });

    it('rejects a pending order: Success, status rejected with the reason, OrderRejected published', async () => {
      const id = await pendingOrder();
      expect(await send(REJECT, { id, reason: 'customer is not authorized' })).toMatchObject(success(REJECT));
      expect(await api.getOrder(id)).toMatchObject({
        status: 'rejected',
        rejectionReason: 'customer is not authorized',
      });
      const rejected = await publishedFor(id, 'ordersapi.OrderRejected');
      expect(rejected.data).toEqual({
        id,
        customerId: CUSTOMER,
        paymentId: 'pay-1',
        reason: 'customer is not authorized',
      });
      expect(() => orderingMessages['ordersapi.OrderRejected'].parse(rejected.data)).not.toThrow();

      // Rejecting again (a compensation retried) succeeds; approving a rejected order is refused.
      expect(await send(REJECT, { id, reason: 'again' })).toMatchObject(success(REJECT));
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(notPending(APPROVE));
      expect(await api.getOrder(id)).toMatchObject({
        status: 'rejected',
        rejectionReason: 'customer is not authorized',
      });
      expect(await api.getOrder(id)).not.toHaveProperty('shoppingListId');
      expectProblem(await api.call('DELETE', `/api/ordering/${id}`), 409, { code: 'order_not_cancelable' });
      const events = await api.db.query<{ event_type: string }>(
        'SELECT event_type FROM ordering.events WHERE stream_name = $1 ORDER BY stream_version',
        [`ordering.Order-${id}`],
      );
      expect(events.rows.map((row) => row.event_type)).toEqual([
        'ordering.OrderCreated',
        'ordering.OrderRejected',
      ]);
    });

    it('refuses to approve a canceled order, and takes a reject of it as already settled', async () => {
      const id = await pendingOrder();
      await cancelAndSettle(id);
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(notPending(APPROVE));
      // The saga's compensation after a customer's cancel: nothing to undo, and the saga ends compensated.
      expect(await send(REJECT, { id, reason: 'payment declined' })).toMatchObject(success(REJECT));
      expect((await api.getOrder(id)).status).toBe('canceled');
    });

    it('replays an order snapshotted when the status was spelled cancelled: it reads canceled, a reject of it is settled', async () => {
      const id = await pendingOrder();
      await cancelAndSettle(id);
      // Created and canceled: snapshotted at version 2. Made as older code left it: snapshot schema 1, `cancelled`.
      const stream = `ordering.Order-${id}`;
      const rewritten = await api.db.query(
        `UPDATE ordering.snapshots
            SET schema_version = 1, data = replace(data::text, '"status":"canceled"', '"status":"cancelled"')::json
          WHERE stream_name = $1 AND data::text LIKE '%"status":"canceled"%'`,
        [stream],
      );
      expect(rewritten.rowCount).toBe(1);

      // The old snapshot is ignored: the order is replayed from its events, which carry no status word.
      expect(await api.getOrder(id)).toMatchObject({ status: 'canceled', canceledBy: 'customer' });
      expect(await send(REJECT, { id, reason: 'payment declined' })).toMatchObject(success(REJECT));
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(notPending(APPROVE));
      expectProblem(await api.call('DELETE', `/api/ordering/${id}`), 409, {
        code: 'order_not_cancelable',
        detail: 'the order cannot be canceled',
      });
    });

    it('replies Failure not_found for an order that does not exist, and creates none', async () => {
      const id = unknownId();
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(
        failure(APPROVE, 'not_found', 'order_not_found'),
      );
      expect(await send(REJECT, { id, reason: 'x' })).toMatchObject(
        failure(REJECT, 'not_found', 'order_not_found'),
      );
      expectProblem(await api.call('GET', `/api/ordering/${id}`), 404, { code: 'order_not_found' });
    });

    it('dead-letters a command off its contract at once, with no reply, and the key flows on', async () => {
      const id = await pendingOrder();
      const malformed = command('cosec', {
        type: APPROVE,
        channel: ORDERING_COMMAND_CHANNEL,
        key: id,
        data: { id, shoppingListId: 'not-a-uuid' },
        replyTo: api.replyTo,
      });
      await api.host.broker.publish([malformed]);
      // Same key, so handled after the malformed one: once it is answered, the malformed one is settled.
      expect(await send(APPROVE, { id, shoppingListId: randomUUID() })).toMatchObject(success(APPROVE));
      const dead = (await api.host.broker.deadLetters.list(ORDERING_COMMANDS_GROUP)).filter(
        (letter) => letter.messageId === malformed.id,
      );
      expect(dead).toHaveLength(1);
      expect(dead[0]!.reason).toMatch(/^poison message: data\.shoppingListId: /);
      expect(api.replies.all.filter((reply) => reply.causationId === malformed.id)).toHaveLength(0);
    });

    it('describes the command channel it receives, with the schemas that check the commands', () => {
      expect(orderingReceives.map((channel) => channel.address)).toEqual([ORDERING_COMMAND_CHANNEL]);
      expect(orderingReceives[0]!.messages.map((message) => message.name)).toEqual([APPROVE, REJECT]);
    });
  },
);
