import * as Invoice from '../domain/invoice.js';
import * as Payment from '../domain/payment.js';
import type { InvoiceRepository, PaymentRepository } from './ports.js';

export interface PaymentView {
  readonly id: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly confirmed: boolean;
  readonly voided: boolean;
}

export interface InvoiceView {
  readonly id: string;
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountCents: number;
  readonly status: Invoice.InvoiceStatus;
}

export interface PaymentsQueries {
  getPayment(input: { id: string }): Promise<PaymentView>;
  getInvoice(input: { id: string }): Promise<InvoiceView>;
}

export function createPaymentsQueries({
  payments,
  invoices,
}: {
  payments: PaymentRepository;
  invoices: InvoiceRepository;
}): PaymentsQueries {
  return {
    async getPayment({ id }) {
      const { state } = await payments.load(id);
      if (!state.exists) throw Payment.paymentNotFound();
      return {
        id,
        customerId: state.customerId,
        amountCents: state.amountCents,
        confirmed: state.confirmed,
        voided: state.voided,
      };
    },
    async getInvoice({ id }) {
      const { state } = await invoices.load(id);
      if (!state.exists) throw Invoice.invoiceNotFound();
      const { orderId, paymentId, amountCents, status } = state;
      return { id, orderId, paymentId, amountCents, status };
    },
  };
}
