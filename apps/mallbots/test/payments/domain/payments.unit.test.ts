import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Invoice from '../../../src/payments/domain/invoice.js';
import * as Payment from '../../../src/payments/domain/payment.js';

const CUSTOMER = '0b6c3a52-8e4f-4f7e-9d1a-2c3b4d5e6f70';
const OTHER = '1c7d4b63-9f5a-4a8f-8e2b-3d4c5e6f7a81';
const ORDER = '2d8e5c74-0a6b-4b9f-9f3c-4e5d6f7a8b92';
const OTHER_ORDER = '3e9f6d85-1b7c-4cab-8a4d-5f6e7a8b9ca3';

const payment = aggregateSpec(Payment.aggregate);
const authorized: Payment.Event = {
  type: 'payments.PaymentAuthorized',
  data: { customerId: CUSTOMER, amountCents: 2_999 },
};
const confirmed: Payment.Event = {
  type: 'payments.PaymentConfirmed',
  data: { orderId: ORDER, amountCents: 2_999 },
};
const confirmedForOther: Payment.Event = {
  type: 'payments.PaymentConfirmed',
  data: { orderId: OTHER_ORDER, amountCents: 2_999 },
};

describe('Payment', () => {
  it('is authorized for a customer and a positive amount of cents', () => {
    const state = payment
      .given()
      .when((s) => Payment.authorize(s, { customerId: CUSTOMER, amountCents: 2_999, registered: true }))
      .thenEvents(authorized);
    expect(state).toEqual({
      exists: true,
      customerId: CUSTOMER,
      amountCents: 2_999,
      confirmed: false,
      orderId: '',
      voided: false,
    });
  });

  it('refuses an amount of 0 (or a fraction of a cent), naming amountCents', () => {
    for (const amountCents of [0, -1, 1.5]) {
      const error = payment
        .given()
        .when((s) => Payment.authorize(s, { customerId: CUSTOMER, amountCents, registered: true }))
        .thenFails({ kind: 'invalid_argument', code: 'payment_amount_not_positive' });
      expect(error.field).toBe('amountCents');
    }
  });

  it('is refused for a customer Customers does not know, naming customerId', () => {
    const error = payment
      .given()
      .when((s) => Payment.authorize(s, { customerId: CUSTOMER, amountCents: 2_999, registered: false }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_not_registered',
        message: 'no customer is registered with that ID',
      });
    expect(error.field).toBe('customerId');
  });

  it('is confirmed by its customer for exactly its amount', () => {
    const state = payment
      .given(authorized)
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenEvents(confirmed);
    expect(state.confirmed).toBe(true);
  });

  it('pays for one order: confirming it for another is refused', () => {
    payment
      .given(authorized, confirmed)
      .when((s) => Payment.confirm(s, { orderId: OTHER_ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenFails({ kind: 'failed_precondition', code: 'payment_already_used' });
  });

  it('confirming again for the same order records nothing', () => {
    payment
      .given(authorized, confirmed)
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenEvents();
  });

  it('cannot be confirmed when unknown, for another customer, or for another amount', () => {
    payment
      .given()
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenFails({
        kind: 'not_found',
        code: 'payment_not_found',
        message: 'payment cannot be confirmed: no payment with that ID',
      });
    payment
      .given(authorized)
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: OTHER, amountCents: 2_999 }))
      .thenFails({ kind: 'permission_denied', code: 'payment_customer_mismatch' });
    payment
      .given(authorized)
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: CUSTOMER, amountCents: 3_000 }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'payment_amount_mismatch',
        message:
          "payment cannot be confirmed: the order's total 30.00 differs from the authorized amount 29.99",
      });
  });
});

describe('Payment released (the saga’s compensation of its confirmation)', () => {
  const released: Payment.Event = { type: 'payments.PaymentReleased', data: { orderId: ORDER } };

  it('unconfirms a payment confirmed for the order, which may then pay for another order', () => {
    const state = payment
      .given(authorized, confirmed)
      .when((s) => Payment.release(s, { orderId: ORDER }))
      .thenEvents(released);
    expect(state).toEqual({
      exists: true,
      customerId: CUSTOMER,
      amountCents: 2_999,
      confirmed: false,
      orderId: '',
      voided: false,
    });
    payment
      .given(authorized, confirmed, released)
      .when((s) => Payment.confirm(s, { orderId: OTHER_ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenEvents(confirmedForOther);
  });

  it('records nothing, and refuses nothing, for a payment that is not confirmed for the order', () => {
    const release = (s: Payment.State) => Payment.release(s, { orderId: ORDER });
    // Unknown: the confirmation was refused as payment_not_found (or never ran).
    payment.given().when(release).thenEvents();
    // Never confirmed: the confirmation timed out before it ran, or was refused.
    payment.given(authorized).when(release).thenEvents();
    // Confirmed for another order: this order's confirmation was refused as payment_already_used.
    const other = payment.given(authorized, confirmedForOther).when(release).thenEvents();
    expect(other).toMatchObject({ confirmed: true, orderId: OTHER_ORDER });
    // Released already: a compensation sent again.
    payment.given(authorized, confirmed, released).when(release).thenEvents();
  });
});

describe('Payment voided (its order was canceled)', () => {
  const voided: Payment.Event = { type: 'payments.PaymentVoided', data: { orderId: ORDER } };
  const voidIt = (s: Payment.State) => Payment.voidAuthorization(s, { orderId: ORDER });

  it('voids a payment confirmed for the canceled order', () => {
    const state = payment.given(authorized, confirmed).when(voidIt).thenEvents(voided);
    expect(state).toMatchObject({ voided: true, orderId: ORDER });
  });

  it('voids a payment the saga had not confirmed yet, and a later confirmation is refused', () => {
    payment.given(authorized).when(voidIt).thenEvents(voided);
    payment
      .given(authorized, voided)
      .when((s) => Payment.confirm(s, { orderId: ORDER, customerId: CUSTOMER, amountCents: 2_999 }))
      .thenFails({ kind: 'failed_precondition', code: 'payment_voided' });
  });

  it('leaves alone a payment confirmed for another order, an unknown one, and a voided one', () => {
    const other = payment.given(authorized, confirmedForOther).when(voidIt).thenEvents();
    expect(other).toMatchObject({ voided: false, orderId: OTHER_ORDER });
    payment.given().when(voidIt).thenEvents();
    payment.given(authorized, confirmed, voided).when(voidIt).thenEvents();
  });

  it('is not released by a compensation that comes after the void', () => {
    payment
      .given(authorized, confirmed, voided)
      .when((s) => Payment.release(s, { orderId: ORDER }))
      .thenEvents();
  });
});

describe('Invoice', () => {
  const invoice = aggregateSpec(Invoice.aggregate);
  const created: Invoice.Event = {
    type: 'payments.InvoiceCreated',
    data: { orderId: ORDER, paymentId: 'pay-1', amountCents: 2_999 },
  };
  const paid: Invoice.Event = { type: 'payments.InvoicePaid', data: {} };
  const canceled: Invoice.Event = { type: 'payments.InvoiceCanceled', data: {} };

  it('is created pending, once: creating it again records nothing', () => {
    const state = invoice
      .given()
      .when((s) => Invoice.create(s, { orderId: ORDER, paymentId: 'pay-1', amountCents: 2_999 }))
      .thenEvents(created);
    expect(state.status).toBe('pending');
    invoice
      .given(created)
      .when((s) => Invoice.create(s, { orderId: ORDER, paymentId: 'pay-2', amountCents: 1 }))
      .thenEvents();
  });

  it('is paid when pending; paying it again records nothing', () => {
    expect(invoice.given(created).when(Invoice.pay).thenEvents(paid).status).toBe('paid');
    invoice.given(created, paid).when(Invoice.pay).thenEvents();
  });

  it('cannot be paid when canceled or unknown', () => {
    invoice.given(created, canceled).when(Invoice.pay).thenFails({
      kind: 'failed_precondition',
      code: 'invoice_not_payable',
      message: 'invoice cannot be paid for',
    });
    invoice.given().when(Invoice.pay).thenFails({ kind: 'not_found', code: 'invoice_not_found' });
  });

  it('is canceled when pending; canceling again records nothing; a paid one stays paid', () => {
    expect(invoice.given(created).when(Invoice.cancel).thenEvents(canceled).status).toBe('canceled');
    invoice.given(created, canceled).when(Invoice.cancel).thenEvents();
    invoice
      .given(created, paid)
      .when(Invoice.cancel)
      .thenFails({ kind: 'failed_precondition', code: 'invoice_not_cancelable' });
    invoice.given().when(Invoice.cancel).thenFails({ kind: 'not_found' });
  });
});
