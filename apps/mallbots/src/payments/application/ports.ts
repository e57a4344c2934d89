import type * as Invoice from '../domain/invoice.js';
import type * as Payment from '../domain/payment.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's SQL client
 * already has the UnitOfWork shape.
 */
export interface UnitOfWork {
  /** Runs `work` in one transaction (joining the caller's, if there is one). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A row as its aggregate sees it, with the version its next save must still find (0: no row yet). */
export interface Loaded<State> {
  readonly state: State;
  readonly version: number;
}

/** Aggregates stored as rows (CRUD, as the spec), saved with optimistic concurrency. */
export interface RowRepository<State> {
  /** The empty state at version 0 when no row has that id (including an id that is not a UUID). */
  load(id: string): Promise<Loaded<State>>;
  /**
   * Inserts (expectedVersion 0) or updates the row, only if it is still at `expectedVersion`; otherwise throws
   * a DomainError of kind `conflict` (409, or a retried command), for the caller to reload and retry.
   */
  save(id: string, state: State, expectedVersion: number): Promise<void>;
}

export type PaymentRepository = RowRepository<Payment.State>;
export type InvoiceRepository = RowRepository<Invoice.State>;

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
