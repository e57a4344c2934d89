import { randomUUID } from 'node:crypto';
import { type Envelope, SUCCESS_REPLY } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import { commandIdOf } from '@tessera/platform/sagas';
import { manualClock } from '@tessera/platform/scheduling';
import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { createCosecModule } from '../../src/cosec/module.js';
import { CREATE_ORDER_REPLIES } from '../../src/cosec/saga.js';
import { createDepotModule } from '../../src/depot/module.js';
import { type Recorder, recordMessages } from '../payments/support/messages.js';
import {
  eventually,
  type Hold,
  instrumented,
  type MallbotsClient,
  mallbotsClient,
  type OrderView,
  recordOrders,
  SAGA,
  type SagaView,
  stepsOf,
} from './support.js';

const HOST_START_MS = 60_000;
const ACTIONS = [1, 2, 3, 4, 5];
/** The saga's default step timeout. */
const STEP_TIMEOUT_MS = 5 * 60_000;

// Every MallBots module, as `npm start` runs them; Depot is told when its caches commit a Stores message, so
// that a test can remove a product and know Depot has forgotten it before checking out.
describe.each(testSetups)(
  'the create-order saga end to end, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let replies: Recorder;
    let orders: Awaited<ReturnType<typeof recordOrders>>;
    const depotCacheUpdates: Envelope[] = [];
    const hold: Hold = {};
    /** The saga's clock: its steps time out only when a test moves it. */
    const clock = manualClock();
    let storeA: string;
    let storeB: string;
    let arm: string;
    let gear: string;
    let wheel: string;

    beforeAll(async () => {
      const modules: Module[] = mallbots.modules.map((module) =>
        module.name === 'depot'
          ? createDepotModule({ onCacheUpdate: (message) => depotCacheUpdates.push(message) })
          : module.name === 'cosec'
            ? createCosecModule({ clock })
            : module,
      );
      // Passes every message through, until a test holds one command to act while the saga waits for it.
      api = await startTestHost(backend, instrumented(modules, hold, []), { broker });
      mall = mallbotsClient(api.call);
      // Test groups of their own, subscribed before anything is published.
      replies = await recordMessages(api.host.broker, [CREATE_ORDER_REPLIES]);
      orders = await recordOrders(api.host.broker);
      storeA = await mall.createStore('Robot Emporium', 'Level 1');
      storeB = await mall.createStore('Wheel World', 'Level 2');
      arm = await mall.addProduct(storeA, 'Robot Arm', 19.99);
      gear = await mall.addProduct(storeA, 'Gear', 0.29);
      wheel = await mall.addProduct(storeB, 'Wheel', 5);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    /** A registered customer's basket with an arm and a wheel from two stores, and a gear from the first. */
    const basketOf = async (customerId: string) => {
      const basketId = await mall.startBasket(customerId);
      await mall.addItem(basketId, arm, 2);
      await mall.addItem(basketId, wheel, 1);
      await mall.addItem(basketId, gear, 3);
      return basketId;
    };

    it('approves an order: a list to shop, stop by store, the payment confirmed, every step once', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const totalCents = await mall.basketTotalCents(basketId);
      expect(totalCents).toBe(2 * 1999 + 500 + 3 * 29);
      const paymentId = await mall.authorizePayment(customerId, totalCents);
      await mall.checkout(basketId, paymentId);

      const order = await mall.settledOrder(basketId);
      expect(order).toMatchObject({ id: basketId, status: 'approved', total: totalCents / 100 });
      expect(order.shoppingListId).toEqual(expect.any(String));
      const list = await mall.getShoppingList(order.shoppingListId!);
      expect(list).toMatchObject({ id: order.shoppingListId, orderId: basketId, status: 'available' });
      expect(list.stops).toEqual([
        {
          storeId: storeA,
          storeName: 'Robot Emporium',
          storeLocation: 'Level 1',
          items: [
            { productId: arm, productName: 'Robot Arm', quantity: 2 },
            { productId: gear, productName: 'Gear', quantity: 3 },
          ],
        },
        {
          storeId: storeB,
          storeName: 'Wheel World',
          storeLocation: 'Level 2',
          items: [{ productId: wheel, productName: 'Wheel', quantity: 1 }],
        },
      ]);
      expect(await mall.shoppingListsOf(basketId)).toHaveLength(1);
      expect(await mall.getPayment(paymentId)).toMatchObject({ amountCents: totalCents, confirmed: true });

      const saga = await mall.endedSaga(basketId);
      expect(saga).toMatchObject({ saga: SAGA, id: basketId, status: 'completed', step: 5 });
      expect(saga.data).toMatchObject({ orderId: basketId, shoppingListId: order.shoppingListId });
      expect(saga.history.map((entry) => entry.event)).toEqual([
        'started',
        ...ACTIONS.flatMap(() => ['sent', 'replied']),
        'completed',
      ]);
      expect(stepsOf(saga, 'sent')).toEqual(ACTIONS);
      expect(stepsOf(saga, 'replied')).toEqual(ACTIONS);
      expect(saga.history.filter((entry) => entry.event === 'sent').map((e) => e.detail?.command)).toEqual([
        'customersapi.AuthorizeCustomer',
        'depotapi.CreateShoppingList',
        'paymentsapi.ConfirmPayment',
        'depotapi.InitiateShopping',
        'ordersapi.ApproveOrder',
      ]);
      await eventually(
        async () => orders.approvals(basketId),
        (n) => n > 0,
        'OrderApproved reaches the test group',
      );
      expect(orders.approvals(basketId)).toBe(1);
    });

    it('rejects the order of a customer disabled before checking out; no list is made', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
      await mall.disableCustomer(customerId);
      await mall.checkout(basketId, paymentId);

      const order = await mall.settledOrder(basketId);
      expect(order.status).toBe('rejected');
      expect(order.rejectionReason).toMatch(/not authorized/);
      expect(order.shoppingListId).toBeUndefined();
      const saga = await mall.endedSaga(basketId);
      expect(saga).toMatchObject({ status: 'compensated', step: 0 });
      expect(stepsOf(saga, 'sent')).toEqual([1]);
      expect(stepsOf(saga, 'sent', true)).toEqual([0]);
      expect(saga.data.shoppingListId).toBeUndefined();
      expect(await mall.shoppingListsOf(basketId)).toEqual([]);
      expect((await mall.getPayment(paymentId)).confirmed).toBe(false);
    });

    it('rejects an order naming a product its store removed after it was put in the basket; no list is made', async () => {
      const customerId = await mall.registerCustomer();
      const gone = await mall.addProduct(storeB, 'Discontinued Sprocket', 1.5);
      const basketId = await basketOf(customerId);
      await mall.addItem(basketId, gone, 1);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
      await mall.removeProduct(gone);
      // Depot must have forgotten it (else its cache still knows the product): wait for that commit.
      await eventually(
        async () =>
          depotCacheUpdates.some(
            (m) => m.type === 'storesapi.ProductRemoved' && (m.data as { id: string }).id === gone,
          ),
        Boolean,
        'Depot handled the removal',
      );
      await mall.checkout(basketId, paymentId);

      const order = await mall.settledOrder(basketId);
      expect(order.status).toBe('rejected');
      expect(order.rejectionReason).toContain(gone);
      const saga = await mall.endedSaga(basketId);
      expect(saga).toMatchObject({ status: 'compensated', step: 0 });
      expect(stepsOf(saga, 'sent')).toEqual([1, 2]);
      expect(stepsOf(saga, 'sent', true)).toEqual([0]);
      expect(await mall.shoppingListsOf(basketId)).toEqual([]);
      expect((await mall.getPayment(paymentId)).confirmed).toBe(false);
    });

    it('rejects an order whose payment holds another amount, and cancels the list it made', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const totalCents = await mall.basketTotalCents(basketId);
      const paymentId = await mall.authorizePayment(customerId, totalCents - 100);
      await mall.checkout(basketId, paymentId);

      const order = await mall.settledOrder(basketId);
      expect(order.status).toBe('rejected');
      expect(order.rejectionReason).toBe(
        `payment cannot be confirmed: the order's total ${(totalCents / 100).toFixed(2)} differs from the authorized amount ${((totalCents - 100) / 100).toFixed(2)}`,
      );
      expect(order.shoppingListId).toBeUndefined();
      const saga = await mall.endedSaga(basketId);
      expect(saga).toMatchObject({ status: 'compensated', step: 0 });
      expect(stepsOf(saga, 'sent')).toEqual([1, 2, 3]);
      // A refused confirmation did nothing: it is not compensated.
      expect(stepsOf(saga, 'sent', true)).toEqual([2, 0]);
      const lists = await mall.shoppingListsOf(basketId);
      expect(lists.map((list) => [list.id, list.status])).toEqual([[saga.data.shoppingListId, 'canceled']]);
      expect((await mall.getPayment(paymentId)).confirmed).toBe(false);
    });

    it('ignores replies it already handled, republished: recorded, and the order approved once', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
      await mall.checkout(basketId, paymentId);

      // The list's reply once the saga has moved past it (so the original is the one it handled).
      await eventually(
        () => mall.getSaga(basketId),
        (saga) => (saga?.step ?? 0) > 2,
        'the saga moved past the list',
      );
      const listReply = await replies.replyTo(commandIdOf(SAGA, basketId, 2, false));
      const again = { ...listReply, id: randomUUID() };
      // The same message again is stored once by the broker; another id (a participant's redelivered
      // answer, a relay's retry past the deduplication window) reaches the saga.
      await api.host.broker.publish([listReply, again]);
      await mall.endedSaga(basketId);
      const lastReply = await replies.replyTo(commandIdOf(SAGA, basketId, 5, false));
      const late = { ...lastReply, id: randomUUID() };
      await api.host.broker.publish([late]);

      const ignored = (messageId: string) => (saga: { history: Array<{ event: string; detail?: object }> }) =>
        saga.history.some(
          (entry) =>
            entry.event === 'ignored' && (entry.detail as { messageId?: string })?.messageId === messageId,
        );
      const saga = (await eventually(
        () => mall.getSaga(basketId),
        (found) => found !== undefined && ignored(again.id)(found) && ignored(late.id)(found),
        'both copies are recorded as ignored',
      ))!;
      expect(saga.status).toBe('completed');
      const ignoredEntries = saga.history.filter((entry) => entry.event === 'ignored').map((e) => e.detail);
      expect(ignoredEntries).toHaveLength(2);
      expect(ignoredEntries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            // Ignored while it awaited a later step, or once over: either way not taken again.
            reason: expect.stringMatching(/^(not the awaited command|saga is completed)$/),
            input: 'reply',
            causationId: listReply.causationId,
            messageId: again.id,
          }),
          expect.objectContaining({ reason: 'saga is completed', messageId: late.id }),
        ]),
      );
      expect(stepsOf(saga, 'sent')).toEqual(ACTIONS);
      expect(stepsOf(saga, 'replied')).toEqual(ACTIONS);
      expect(
        saga.history.some((entry) => entry.detail?.messageId === listReply.id && entry.event === 'ignored'),
      ).toBe(false);

      const order = await mall.settledOrder(basketId);
      expect(order).toMatchObject({ status: 'approved', shoppingListId: saga.data.shoppingListId });
      expect(await mall.shoppingListsOf(basketId)).toHaveLength(1);
      await eventually(
        async () => orders.approvals(basketId),
        (n) => n > 0,
        'OrderApproved reaches the test group',
      );
      expect(orders.approvals(basketId)).toBe(1);
    });

    let canceledDuringSaga: SagaView | undefined;
    let paymentOfCanceled: { customerId: string; paymentId: string } | undefined;
    it('a customer who cancels while the saga waits for the approval: the order stays canceled, the list is canceled, the payment voided', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
      const reached = new Promise<void>((resolve) => {
        hold.reached = resolve;
      });
      hold.commandId = commandIdOf(SAGA, basketId, 5, false);
      await mall.checkout(basketId, paymentId);
      await reached;
      // Pending, its list available to the bots: the customer changes their mind before the approval.
      expect((await api.call('DELETE', `/api/ordering/${basketId}`)).statusCode).toBe(204);
      hold.commandId = undefined; // ApproveOrder is retried now, and refused: the order is not pending

      canceledDuringSaga = await mall.endedSaga(basketId);
      expect((await mall.getOrder(basketId))?.status).toBe('canceled');
      expect(await mall.shoppingListsOf(basketId)).toMatchObject([{ status: 'canceled' }]);
      // The payment was confirmed at step 3: the refused approval gives it back, then cancels the list.
      expect(stepsOf(canceledDuringSaga, 'sent', true)).toEqual([3, 2, 0]);
      expect(
        canceledDuringSaga.history
          .filter((entry) => entry.event === 'sent' && entry.detail?.compensation)
          .map((entry) => entry.detail?.command),
      ).toEqual(['paymentsapi.ReleasePayment', 'depotapi.CancelShoppingList', 'ordersapi.RejectOrder']);
      // Whichever came first, the compensation's release or the cancellation's void: voided, paying for nothing.
      expect(
        await eventually(
          () => mall.getPayment(paymentId),
          (payment) => payment.voided === true,
          'the payment is voided',
        ),
      ).toMatchObject({ confirmed: false, voided: true });
      paymentOfCanceled = { customerId, paymentId };
    });

    it('... and the voided payment pays for no other checkout', async () => {
      const { customerId, paymentId } = paymentOfCanceled!;
      const basketId = await basketOf(customerId);
      await mall.checkout(basketId, paymentId);
      const order = await mall.settledOrder(basketId);
      expect(order.status).toBe('rejected');
      expect(order.rejectionReason).toContain('voided');
      expect(await mall.getPayment(paymentId)).toMatchObject({ confirmed: false, voided: true });
    });

    // A canceled order takes RejectOrder as already settled: the saga's last compensation succeeds.
    it('... and its saga ends compensated, not failed', () => {
      expect(canceledDuringSaga?.status).toBe('compensated');
    });

    it('a ConfirmPayment handled after its step timed out: the payment is released, the list canceled, the order rejected', async () => {
      const customerId = await mall.registerCustomer();
      const basketId = await basketOf(customerId);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(basketId));
      const confirm = commandIdOf(SAGA, basketId, 3, false);
      const reached = new Promise<void>((resolve) => {
        hold.reached = resolve;
      });
      hold.commandId = confirm;
      await mall.checkout(basketId, paymentId);
      await reached;
      // Payments is slow: the saga gives up on it and starts compensating with the payment's release, which
      // Payments will handle after the confirmation (same order key).
      clock.advance(STEP_TIMEOUT_MS);
      await eventually(
        () => mall.getSaga(basketId),
        (saga) => saga?.status === 'compensating' && saga.step === 3,
        'the saga timed out at the payment',
      );
      hold.commandId = undefined; // the confirmation is retried now, and succeeds: too late

      const order = await mall.settledOrder(basketId);
      expect(order).toMatchObject({ status: 'rejected', rejectionReason: 'no answer within 300 s' });
      const saga = await mall.endedSaga(basketId);
      expect(saga.status).toBe('compensated');
      expect(stepsOf(saga, 'sent')).toEqual([1, 2, 3]);
      expect(stepsOf(saga, 'sent', true)).toEqual([3, 2, 0]);
      expect(saga.history.find((entry) => entry.event === 'timed_out')).toMatchObject({ step: 3 });
      // Payments did confirm it (its reply came, and was ignored), then released it.
      expect((await replies.replyTo(confirm)).type).toBe(SUCCESS_REPLY);
      expect((await replies.replyTo(commandIdOf(SAGA, basketId, 3, true))).type).toBe(SUCCESS_REPLY);
      const { rows } = await api.db.query<{ confirmed: boolean; order_id: string | null; version: number }>(
        'SELECT confirmed, order_id, version FROM payments.payments WHERE id = $1',
        [paymentId],
      );
      expect(rows).toEqual([{ confirmed: false, order_id: null, version: 3 }]);
      expect(await mall.shoppingListsOf(basketId)).toMatchObject([{ status: 'canceled' }]);
      await eventually(
        () => mall.getSaga(basketId),
        (found) =>
          found?.history.some(
            (entry) => entry.event === 'ignored' && entry.detail?.causationId === confirm,
          ) === true,
        'the late confirmation is recorded as ignored',
      );

      // The customer checks out again with the same card swipe: it pays.
      const again = await basketOf(customerId);
      await mall.checkout(again, paymentId);
      expect((await mall.settledOrder(again)).status).toBe('approved');
      expect((await mall.getPayment(paymentId)).confirmed).toBe(true);
    });

    let secondOrderOfOnePayment: OrderView | undefined;
    it('a payment used for two orders: the first order is approved with it', async () => {
      const customerId = await mall.registerCustomer();
      const first = await basketOf(customerId);
      const second = await basketOf(customerId);
      const paymentId = await mall.authorizePayment(customerId, await mall.basketTotalCents(first));
      await mall.checkout(first, paymentId);
      expect((await mall.settledOrder(first)).status).toBe('approved');
      await mall.checkout(second, paymentId);
      secondOrderOfOnePayment = await mall.settledOrder(second);
    });

    // A payment pays for one order: ConfirmPayment names the order, and another order is refused.
    it('... and the second order with the same payment is rejected', () => {
      expect(secondOrderOfOnePayment?.status).toBe('rejected');
      expect(secondOrderOfOnePayment?.rejectionReason).toMatch(/already paid for another order/);
    });

    // Its refused confirmation is not compensated, so the first order keeps the payment.
    it('... which leaves the payment with the first order', async () => {
      const secondId = secondOrderOfOnePayment!.id;
      const saga = await mall.endedSaga(secondId);
      expect(stepsOf(saga, 'sent', true)).toEqual([2, 0]);
      const { rows } = await api.db.query<{ confirmed: boolean; order_id: string }>(
        'SELECT p.confirmed, p.order_id FROM payments.payments p WHERE p.id = $1',
        [saga.data.paymentId],
      );
      expect(rows).toEqual([{ confirmed: true, order_id: expect.any(String) }]);
      expect(rows[0]!.order_id).not.toBe(secondId);
    });
  },
);
