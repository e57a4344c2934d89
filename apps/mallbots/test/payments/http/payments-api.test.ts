import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsModule } from '../../../src/payments/module.js';
import { UNREACHABLE_CUSTOMER } from '../../support/customers.js';
import { CUSTOMER, HOST_START_MS, type PaymentsHost, startPaymentsHost } from '../support/host.js';

const paymentNotFound = { code: 'payment_not_found', detail: 'no payment with that ID' };
const invoiceNotFound = { code: 'invoice_not_found', detail: 'no invoice with that ID' };

describe.each(testDatabases)('Payments API, on $backend', (backend) => {
  let api: PaymentsHost;
  beforeAll(async () => {
    api = await startPaymentsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('authorizes a payment (201, Location) that reads back unconfirmed, its ids lower-cased', async () => {
    const response = await api.call('POST', '/api/payments', {
      customerId: CUSTOMER.toUpperCase(),
      amountCents: 1_999,
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json<{ id: string }>();
    expect(response.headers.location).toBe(`/api/payments/${id}`);
    const read = await api.call('GET', `/api/payments/${id.toUpperCase()}`);
    expect(read.json()).toEqual({
      payment: { id, customerId: CUSTOMER, amountCents: 1_999, confirmed: false, voided: false },
    });
  });

  it('refuses an amount of 0 or a fraction of a cent, naming amountCents', async () => {
    expectProblem(await api.call('POST', '/api/payments', { customerId: CUSTOMER, amountCents: 0 }), 400, {
      code: 'payment_amount_not_positive',
      field: 'body.amountCents',
    });
    expectProblem(await api.call('POST', '/api/payments', { customerId: CUSTOMER, amountCents: 1.5 }), 400, {
      code: 'invalid_request',
      field: 'body.amountCents',
    });
  });

  it('refuses a customer Customers does not know, naming customerId; 503 when Customers cannot be asked', async () => {
    expectProblem(
      await api.call('POST', '/api/payments', { customerId: unknownId(), amountCents: 100 }),
      400,
      {
        code: 'customer_not_registered',
        detail: 'no customer is registered with that ID',
        field: 'body.customerId',
      },
    );
    expectProblem(
      await api.call('POST', '/api/payments', { customerId: UNREACHABLE_CUSTOMER, amountCents: 100 }),
      503,
      { code: 'customers_unavailable' },
    );
    const { rows } = await api.db.query('SELECT 1 FROM payments.payments WHERE customer_id <> $1', [
      CUSTOMER,
    ]);
    expect(rows).toEqual([]);
  });

  describeBadRequests(
    () => api,
    [
      { method: 'POST', path: '/api/payments', body: { customerId: CUSTOMER, amountCents: 100 } },
      { method: 'GET', path: '/api/payments/:id', notFound: paymentNotFound },
      { method: 'GET', path: '/api/payments/invoices/:id', notFound: invoiceNotFound },
      { method: 'PUT', path: '/api/payments/invoices/:id/pay', notFound: invoiceNotFound },
    ],
  );

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, paymentsModule, '/api/payments', [
      '/api/payments',
      '/api/payments/{id}',
      '/api/payments/invoices/{id}',
      '/api/payments/invoices/{id}/pay',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'authorizePayment',
      'getInvoice',
      'getPayment',
      'payInvoice',
    ]);
  });

  it('lists the Invoice channel it publishes and the command channel it receives in the AsyncAPI document', async () => {
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    for (const text of [
      'mallbots.payments.events.Invoice',
      'mallbots.payments.commands',
      'paymentsapi.InvoiceCreated',
      'paymentsapi.InvoicePaid',
      'paymentsapi.InvoiceCanceled',
      'paymentsapi.ConfirmPayment',
      'paymentsapi.ReleasePayment',
    ]) {
      expect(document).toContain(text);
    }
  });

  it('an unknown invoice cannot be paid (404), whatever its id', async () => {
    expectProblem(await api.call('PUT', `/api/payments/invoices/${unknownId()}/pay`), 404, invoiceNotFound);
  });
});
