import type * as Customer from '../domain/customer.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's SQL client
 * already has the UnitOfWork shape.
 */
export interface UnitOfWork {
  /** Runs `work` in one transaction (joining the caller's, if there is one). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `callback` once the surrounding transaction has committed, never on rollback. */
  afterCommit(callback: () => void | Promise<void>): void;
}

/** A customer's row as the aggregate sees it, with the version its next save must still find. */
export interface LoadedCustomer {
  readonly state: Customer.State;
  /** 0 when there is no row yet; each save adds 1. */
  readonly version: number;
}

/** Customers as rows, saved with optimistic concurrency. */
export interface CustomerRepository {
  /** The empty state at version 0 when no customer has that id. */
  load(id: string): Promise<LoadedCustomer>;
  /**
   * Inserts (expectedVersion 0) or updates the row, only if it is still at `expectedVersion`; otherwise throws
   * a DomainError of kind `conflict` (409), for the caller to reload and retry.
   */
  save(id: string, state: Customer.State, expectedVersion: number): Promise<void>;
  find(id: string): Promise<CustomerView | undefined>;
}

/** A customer as clients see it. */
export interface CustomerView {
  readonly id: string;
  readonly name: string;
  readonly smsNumber: string;
  readonly enabled: boolean;
}

/** A domain event as it is dispatched in the process: with the id of the customer it happened to. */
export type CustomerDomainEvent = Customer.Event & { readonly customerId: string };

/** Where domain events go once their transaction has committed (the platform's DomainEventBus fits). */
export interface DomainEventPublisher {
  publish(events: readonly CustomerDomainEvent[]): Promise<void>;
}

/**
 * Where the integration messages of a save go, inside the saving transaction: they exist if and only if the
 * save commits. `savedVersion` is the row's version after the save, which makes the messages' ids stable.
 */
export interface IntegrationOutbox {
  publish(events: readonly CustomerDomainEvent[], savedVersion: number): Promise<void>;
}
