import type { StateRepository } from '@tessera/platform/ddd';
import type * as Invoice from '../domain/invoice.js';
import type * as Payment from '../domain/payment.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's SQL client
 * is the UnitOfWork (`@tessera/platform/ddd`). Payments and invoices are rows (CRUD, as the spec), saved with
 * optimistic concurrency.
 */
export type PaymentRepository = StateRepository<Payment.State>;

/** Customers' public API: a payment is authorized only for a customer it knows. Throws when it cannot answer. */
export interface CustomersDirectory {
  findCustomer(id: string): Promise<{ readonly id: string } | undefined>;
}

/** Customers could not be asked: the one error of Customers' contract, whoever answers for Customers. */
export { CustomersUnavailableError } from '../../customers/contract/customers-service.js';
export type InvoiceRepository = StateRepository<Invoice.State>;

/** An invoice event as it is published: with the invoice it happened to, and that invoice after the save. */
export interface SavedInvoiceEvent {
  readonly invoiceId: string;
  readonly invoice: Invoice.State;
  readonly event: Invoice.Event;
}

/**
 * Where the integration messages of an invoice's save go, inside the saving transaction: they exist if and
 * only if the save commits. `savedVersion` is the row's version after the save, which makes their ids stable.
 */
export interface IntegrationOutbox {
  publish(events: readonly SavedInvoiceEvent[], savedVersion: number): Promise<void>;
}
