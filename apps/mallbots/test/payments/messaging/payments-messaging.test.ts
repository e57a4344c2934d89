import { randomUUID } from 'node:crypto';
import { type Envelope, FAILURE_REPLY, newEnvelope, SUCCESS_REPLY } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CHANNEL } from '../../../src/ordering/contract/integration-events.js';
import { PAYMENTS_COMMANDS_GROUP } from '../../../src/payments/adapters/messaging/commands.js';
import { PAYMENTS_ORDERS_GROUP } from '../../../src/payments/adapters/messaging/orders-events.js';
import { PAYMENTS_COMMAND_CHANNEL } from '../../../src/payments/contract/integration-events.js';
import { CUSTOMER, HOST_START_MS, type PaymentsHost, startPaymentsHost, unknownId } from '../support/host.js';
import { sendCommand } from '../support/messages.js';

const CONFIRM = 'paymentsapi.ConfirmPayment';
const RELEASE = 'paymentsapi.ReleasePayment';
const ORDER_ID = '4fa07e96-2c8d-4dbc-9b5e-6a7b8c9dadb4';

describe.each(testSetups)(
  'Payments through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: PaymentsHost;
    beforeAll(async () => {
      api = await startPaymentsHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    /** ConfirmPayment for one order (the same one each time unless `data` names another). */
    const confirm = (data: object, key?: string) =>
      sendCommand(api.host.broker, {
        type: CONFIRM,
        channel: PAYMENTS_COMMAND_CHANNEL,
        data: { orderId: ORDER_ID, ...data },
        replyTo: api.replyChannel,
        ...(key ? { key } : {}),
      });
    const release = (data: { id: string; orderId: string }) =>
      sendCommand(api.host.broker, {
        type: RELEASE,
        channel: PAYMENTS_COMMAND_CHANNEL,
        data,
        replyTo: api.replyChannel,
        key: data.orderId,
      });
    const paymentRow = async (id: string) =>
      (
        await api.db.query<{ confirmed: boolean; order_id: string | null; version: number }>(
          'SELECT confirmed, order_id, version FROM payments.payments WHERE id = $1',
          [id],
        )
      ).rows[0];
    const paymentVersion = async (id: string) =>
      (await api.db.query<{ version: number }>('SELECT version FROM payments.payments WHERE id = $1', [id]))
        .rows[0]?.version;
    const invoiceRow = async (id: string) =>
      (
        await api.db.query<{ status: string; version: number }>(
          'SELECT status, version FROM payments.invoices WHERE id = $1',
          [id],
        )
      ).rows[0];
    const publishOrder = async (type: string, data: Record<string, unknown>) => {
      const message = newEnvelope('ordering', { type, subject: ORDER_CHANNEL, key: String(data.id), data });
      await api.host.broker.publish([message]);
      return message;
    };
    const readied = (orderId: string, totalCents = 4_250) =>
      publishOrder('ordersapi.OrderReadied', {
        id: orderId,
        customerId: CUSTOMER,
        paymentId: 'pay-1',
        totalCents,
      });
    const canceled = (orderId: string) =>
      publishOrder('ordersapi.OrderCanceled', { id: orderId, customerId: CUSTOMER, paymentId: 'pay-1' });
    const invoiceMessages = (invoiceId: string, type: string) =>
      api.recorder.messages.filter((m) => m.type === type && m.key === invoiceId);

    describe('ConfirmPayment, from the saga', () => {
      it('replies Success when the payment is the customer’s and holds the order’s total; it is then confirmed', async () => {
        const id = await api.authorize(4_250);
        const sent = await confirm({ id, customerId: CUSTOMER, amountCents: 4_250 }, 'order-1');
        expect(await api.recorder.replyTo(sent.id)).toMatchObject({
          type: SUCCESS_REPLY,
          source: 'payments',
          subject: api.replyChannel,
          key: 'order-1',
          correlationId: sent.correlationId,
          data: { command: CONFIRM },
        });
        const payment = (await api.call('GET', `/api/payments/${id}`)).json<{ payment: unknown }>().payment;
        expect(payment).toEqual({
          id,
          customerId: CUSTOMER,
          amountCents: 4_250,
          confirmed: true,
          voided: false,
        });
      });

      it('replies Failure naming the rule: unknown payment, another customer, another amount; nothing changes', async () => {
        const id = await api.authorize(1_000);
        const cases: Array<[object, Record<string, string>]> = [
          [
            { id: unknownId(), customerId: CUSTOMER, amountCents: 1_000 },
            { kind: 'not_found', code: 'payment_not_found' },
          ],
          [
            { id: 'pay-1', customerId: CUSTOMER, amountCents: 1_000 },
            { kind: 'not_found', code: 'payment_not_found' },
          ],
          [
            { id, customerId: unknownId(), amountCents: 1_000 },
            { kind: 'permission_denied', code: 'payment_customer_mismatch' },
          ],
          [
            { id, customerId: CUSTOMER, amountCents: 999 },
            {
              kind: 'failed_precondition',
              code: 'payment_amount_mismatch',
              reason:
                "payment cannot be confirmed: the order's total 9.99 differs from the authorized amount 10.00",
            },
          ],
        ];
        const sent = await Promise.all(cases.map(([data]) => confirm(data)));
        for (const [index, [, expected]] of cases.entries()) {
          const reply = await api.recorder.replyTo(sent[index]!.id);
          expect(reply).toMatchObject({ type: FAILURE_REPLY, data: { command: CONFIRM, ...expected } });
          expect(reply.data.command === CONFIRM && 'reason' in reply.data && reply.data.reason).toMatch(
            /^payment cannot be confirmed: /,
          );
        }
        expect(await paymentVersion(id)).toBe(1);
        expect(await api.host.broker.deadLetters.list(PAYMENTS_COMMANDS_GROUP)).toEqual([]);
      });

      it('confirms once: the same command delivered twice, or sent again by a retrying saga, replies the same', async () => {
        const id = await api.authorize(700);
        const key = randomUUID();
        const first = await confirm({ id, customerId: CUSTOMER, amountCents: 700 }, key);
        await api.host.broker.publish([first]); // the same message again: stored (or delivered) once
        const again = await confirm({ id, customerId: CUSTOMER, amountCents: 700 }, key);
        const [one, two] = [await api.recorder.replyTo(first.id), await api.recorder.replyTo(again.id)];
        expect(one.type).toBe(SUCCESS_REPLY);
        expect(two.type).toBe(SUCCESS_REPLY);
        expect(api.recorder.repliesTo(first.id)).toHaveLength(1);
        expect(await paymentVersion(id)).toBe(2); // authorized, then confirmed: one effect
      });

      it('dead-letters a command off its contract at once, with no reply', async () => {
        const key = randomUUID();
        const bad = await confirm({ id: 'x', customerId: CUSTOMER, amountCents: -5 }, key);
        const fence = await confirm({ id: unknownId(), customerId: CUSTOMER, amountCents: 5 }, key);
        await api.recorder.replyTo(fence.id); // same key: handled after the bad one has left the queue
        const letters = await api.host.broker.deadLetters.list(PAYMENTS_COMMANDS_GROUP);
        expect(letters.find((letter) => letter.messageId === bad.id)?.reason).toMatch(/data\.amountCents/);
        expect(api.recorder.repliesTo(bad.id).length > 0).toBe(false);
      });
    });

    describe('ReleasePayment, the saga’s compensation of ConfirmPayment', () => {
      it('unconfirms a payment confirmed for the order, which can then pay for another order', async () => {
        const id = await api.authorize(3_100);
        const [order, next] = [randomUUID(), randomUUID()];
        const confirmed = await confirm(
          { id, orderId: order, customerId: CUSTOMER, amountCents: 3_100 },
          order,
        );
        expect((await api.recorder.replyTo(confirmed.id)).type).toBe(SUCCESS_REPLY);
        const used = await confirm({ id, orderId: next, customerId: CUSTOMER, amountCents: 3_100 }, next);
        expect(await api.recorder.replyTo(used.id)).toMatchObject({
          type: FAILURE_REPLY,
          data: { code: 'payment_already_used' },
        });

        const released = await release({ id, orderId: order });
        expect(await api.recorder.replyTo(released.id)).toMatchObject({
          type: SUCCESS_REPLY,
          source: 'payments',
          key: order,
          data: { command: RELEASE },
        });
        expect(await paymentRow(id)).toEqual({ confirmed: false, order_id: null, version: 3 });
        const payment = (await api.call('GET', `/api/payments/${id}`)).json<{ payment: unknown }>().payment;
        expect(payment).toEqual({
          id,
          customerId: CUSTOMER,
          amountCents: 3_100,
          confirmed: false,
          voided: false,
        });

        // Released again (a compensation sent twice): a Success that writes nothing.
        expect((await api.recorder.replyTo((await release({ id, orderId: order })).id)).type).toBe(
          SUCCESS_REPLY,
        );
        expect((await paymentRow(id))?.version).toBe(3);

        const reused = await confirm({ id, orderId: next, customerId: CUSTOMER, amountCents: 3_100 }, next);
        expect((await api.recorder.replyTo(reused.id)).type).toBe(SUCCESS_REPLY);
        expect(await paymentRow(id)).toEqual({ confirmed: true, order_id: next, version: 4 });
      });

      it('replies Success and changes nothing for an unknown, unconfirmed, or other order’s payment', async () => {
        const unconfirmed = await api.authorize(500);
        const others = await api.authorize(600);
        const [order, otherOrder] = [randomUUID(), randomUUID()];
        const confirmed = await confirm(
          { id: others, orderId: otherOrder, customerId: CUSTOMER, amountCents: 600 },
          otherOrder,
        );
        expect((await api.recorder.replyTo(confirmed.id)).type).toBe(SUCCESS_REPLY);
        const sent = await Promise.all(
          [unknownId(), 'pay-1', unconfirmed, others].map((id) => release({ id, orderId: order })),
        );
        for (const { id } of sent) {
          expect(await api.recorder.replyTo(id)).toMatchObject({
            type: SUCCESS_REPLY,
            data: { command: RELEASE },
          });
        }
        expect(await paymentRow(unconfirmed)).toEqual({ confirmed: false, order_id: null, version: 1 });
        expect(await paymentRow(others)).toEqual({ confirmed: true, order_id: otherOrder, version: 2 });
        const letters = await api.host.broker.deadLetters.list(PAYMENTS_COMMANDS_GROUP);
        expect(letters.filter((letter) => sent.some((s) => s.id === letter.messageId))).toEqual([]);
      });

      it('handled after a ConfirmPayment that timed out (same order key), it undoes that confirmation', async () => {
        const id = await api.authorize(800);
        const order = randomUUID();
        // The saga gave up waiting, but the confirmation is still queued: the release is queued behind it.
        const late = await confirm({ id, orderId: order, customerId: CUSTOMER, amountCents: 800 }, order);
        const released = await release({ id, orderId: order });
        expect((await api.recorder.replyTo(released.id)).type).toBe(SUCCESS_REPLY);
        expect((await api.recorder.replyTo(late.id)).type).toBe(SUCCESS_REPLY);
        expect(await paymentRow(id)).toEqual({ confirmed: false, order_id: null, version: 3 });
      });
    });

    describe('invoices, following Ordering’s events', () => {
      it('creates a pending invoice for a ready order, publishes InvoiceCreated, and only once', async () => {
        const orderId = unknownId();
        const first = await readied(orderId);
        const created = await api.recorder.waitFor(
          (m) => m.type === 'paymentsapi.InvoiceCreated' && m.key === orderId,
        );
        expect(created.data).toEqual({ id: orderId, orderId, paymentId: 'pay-1', amountCents: 4_250 });
        expect(await api.getInvoice(orderId)).toEqual({
          id: orderId,
          orderId,
          paymentId: 'pay-1',
          amountCents: 4_250,
          status: 'pending',
        });
        // Re-published under another id, with another total: the first invoice stands.
        const again = await readied(orderId, 1);
        await api.host.broker.publish([first]);
        await api.orderHandled(again.id);
        expect(await invoiceRow(orderId)).toEqual({ status: 'pending', version: 1 });
        expect((await api.getInvoice(orderId)).amountCents).toBe(4_250);
        expect(invoiceMessages(orderId, 'paymentsapi.InvoiceCreated')).toHaveLength(1);
      });

      it('cancels the pending invoice of a canceled order and publishes InvoiceCanceled, once', async () => {
        const orderId = unknownId();
        await readied(orderId);
        const cancel = await canceled(orderId);
        const message = await api.recorder.waitFor(
          (m) => m.type === 'paymentsapi.InvoiceCanceled' && m.key === orderId,
        );
        expect(message.data).toEqual({ id: orderId, orderId });
        expect((await api.getInvoice(orderId)).status).toBe('canceled');
        const again = await canceled(orderId);
        await api.host.broker.publish([cancel]);
        await api.orderHandled(again.id);
        expect(await invoiceRow(orderId)).toEqual({ status: 'canceled', version: 2 });
        expect(invoiceMessages(orderId, 'paymentsapi.InvoiceCanceled')).toHaveLength(1);
        // A canceled invoice cannot be paid.
        const pay = await api.call('PUT', `/api/payments/invoices/${orderId}/pay`);
        expect(pay.statusCode).toBe(409);
        expect(pay.json()).toMatchObject({
          code: 'invoice_not_payable',
          detail: 'invoice cannot be paid for',
        });
      });

      it('voids the canceled order’s payment once; a confirmation after that is refused; another order’s payment is left alone', async () => {
        const orderId = unknownId();
        const id = await api.authorize(4_250);
        const cancel = await publishOrder('ordersapi.OrderCanceled', {
          id: orderId,
          customerId: CUSTOMER,
          paymentId: id,
          canceledBy: 'staff',
          reason: 'closing',
        });
        await api.orderHandled(cancel.id);
        const payment = (await api.call('GET', `/api/payments/${id}`)).json<{ payment: unknown }>().payment;
        expect(payment).toMatchObject({ id, confirmed: false, voided: true });
        expect(await paymentVersion(id)).toBe(2);
        // The same cancellation again (a copy under another id, and a redelivery) changes nothing.
        const copy = await publishOrder('ordersapi.OrderCanceled', {
          id: orderId,
          customerId: CUSTOMER,
          paymentId: id,
        });
        await api.host.broker.publish([cancel]);
        await api.orderHandled(copy.id);
        expect(await paymentVersion(id)).toBe(2);
        // The saga's ConfirmPayment, arriving late, is refused: the saga compensates.
        const late = await confirm({ id, customerId: CUSTOMER, amountCents: 4_250, orderId }, orderId);
        expect(await api.recorder.replyTo(late.id)).toMatchObject({ type: FAILURE_REPLY });

        const used = await api.authorize(4_250);
        const other = unknownId();
        const confirmation = await confirm(
          { id: used, customerId: CUSTOMER, amountCents: 4_250, orderId: other },
          other,
        );
        expect(await api.recorder.replyTo(confirmation.id)).toMatchObject({ type: SUCCESS_REPLY });
        const unrelated = await publishOrder('ordersapi.OrderCanceled', {
          id: orderId,
          customerId: CUSTOMER,
          paymentId: used,
        });
        await api.orderHandled(unrelated.id);
        expect((await api.call('GET', `/api/payments/${used}`)).json()).toMatchObject({
          payment: { confirmed: true, voided: false },
        });
      });

      it('acknowledges a cancellation with no invoice to cancel, and leaves a paid invoice paid', async () => {
        const early = unknownId();
        const message = await canceled(early);
        await api.orderHandled(message.id);
        expect(await invoiceRow(early)).toBeUndefined();

        const paidOrder = unknownId();
        await readied(paidOrder);
        await api.recorder.waitFor((m) => m.type === 'paymentsapi.InvoiceCreated' && m.key === paidOrder);
        expect((await api.call('PUT', `/api/payments/invoices/${paidOrder}/pay`)).statusCode).toBe(204);
        const late = await canceled(paidOrder);
        await api.orderHandled(late.id);
        expect(await invoiceRow(paidOrder)).toEqual({ status: 'paid', version: 2 });
        expect(await api.host.broker.deadLetters.list(PAYMENTS_ORDERS_GROUP)).toEqual([]);
      });

      it('pays a pending invoice through REST, publishing InvoicePaid; paying again changes nothing', async () => {
        const orderId = unknownId();
        await readied(orderId);
        await api.recorder.waitFor((m) => m.type === 'paymentsapi.InvoiceCreated' && m.key === orderId);
        expect(
          (await api.call('PUT', `/api/payments/invoices/${orderId.toUpperCase()}/pay`)).statusCode,
        ).toBe(204);
        const paid: Envelope = await api.recorder.waitFor(
          (m) => m.type === 'paymentsapi.InvoicePaid' && m.key === orderId,
        );
        expect(paid).toMatchObject({ source: 'payments', data: { id: orderId, orderId } });
        expect((await api.getInvoice(orderId)).status).toBe('paid');
        expect((await api.call('PUT', `/api/payments/invoices/${orderId}/pay`)).statusCode).toBe(204);
        // One save after the creation: a second payment would have been version 3, and a second InvoicePaid.
        expect(await invoiceRow(orderId)).toEqual({ status: 'paid', version: 2 });
      });

      it('dead-letters an Order message off its contract at once', async () => {
        const orderId = unknownId();
        const bad = await publishOrder('ordersapi.OrderReadied', { id: orderId, totalCents: 'lots' });
        const fence = await readied(orderId);
        await api.orderHandled(fence.id);
        const letters = await api.host.broker.deadLetters.list(PAYMENTS_ORDERS_GROUP);
        expect(letters.find((letter) => letter.messageId === bad.id)).toMatchObject({
          type: 'ordersapi.OrderReadied',
        });
      });
    });
  },
);
