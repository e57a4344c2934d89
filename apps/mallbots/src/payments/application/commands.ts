import { stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import * as Invoice from '../domain/invoice.js';
import * as Payment from '../domain/payment.js';
import type { CustomersDirectory, IntegrationOutbox, InvoiceRepository, PaymentRepository } from './ports.js';

export interface PaymentsCommandDependencies {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly payments: PaymentRepository;
  readonly invoices: InvoiceRepository;
  readonly outbox: IntegrationOutbox;
  readonly customers: CustomersDirectory;
  /** Ids of new payments (UUID v4). */
  readonly newId: () => string;
}

export interface PaymentsCommands {
  authorizePayment(input: { customerId: string; amountCents: number }): Promise<{ id: string }>;
  /** The saga's ConfirmPayment; throws a DomainError naming the rule when the payment does not cover the order. */
  confirmPayment(input: {
    id: string;
    orderId: string;
    customerId: string;
    amountCents: number;
  }): Promise<void>;
  /**
   * The saga's compensation of ConfirmPayment: a payment confirmed for the order becomes unconfirmed; any
   * other payment (unknown, unconfirmed, another order's) is left as it is, with no error.
   */
  releasePayment(input: { id: string; orderId: string }): Promise<void>;
  /**
   * The canceled order's payment authorization ends (see Payment.voidAuthorization for which payments); a
   * payment of another order, or none, is left alone with no error.
   */
  voidPayment(input: { id: string; orderId: string }): Promise<void>;
  /** Idempotent: the invoice's id is the order's, and an order that has one keeps it. */
  createInvoice(input: { orderId: string; paymentId: string; amountCents: number }): Promise<{ id: string }>;
  payInvoice(input: { id: string }): Promise<void>;
  cancelInvoice(input: { id: string }): Promise<void>;
}

/**
 * Each command runs in one transaction: load the row, let the domain decide, fold the events into the new
 * state, and save it only if the row is still at the version that was loaded. A decision of no events writes
 * nothing. Invoice events become integration messages in the same transaction (the outbox).
 */
export function createPaymentsCommands({
  db,
  payments,
  invoices,
  outbox,
  customers,
  newId,
}: PaymentsCommandDependencies): PaymentsCommands {
  const payment = stateStored({ db, aggregate: Payment.aggregate, repository: payments });
  const invoice = stateStored({
    db,
    aggregate: Invoice.aggregate,
    repository: invoices,
    onSaved: ({ id: invoiceId, state, events, version }) =>
      outbox.publish(
        events.map((event) => ({ invoiceId, invoice: state, event })),
        version,
      ),
  });

  return {
    async authorizePayment(input) {
      // Asked before the payment's transaction: a connection is never held across a call to Customers.
      const registered = (await customers.findCustomer(input.customerId)) !== undefined;
      const id = newId();
      await payment.update(id, (state) => Payment.authorize(state, { ...input, registered }));
      return { id };
    },

    async confirmPayment({ id, ...input }) {
      await payment.update(id, (state) => Payment.confirm(state, input));
    },

    async releasePayment({ id, orderId }) {
      await payment.update(id, (state) => Payment.release(state, { orderId }));
    },

    async voidPayment({ id, orderId }) {
      await payment.update(id, (state) => Payment.voidAuthorization(state, { orderId }));
    },

    async createInvoice(input) {
      await invoice.update(input.orderId, (state) => Invoice.create(state, input));
      return { id: input.orderId };
    },

    async payInvoice({ id }) {
      await invoice.update(id, Invoice.pay);
    },

    async cancelInvoice({ id }) {
      await invoice.update(id, Invoice.cancel);
    },
  };
}
