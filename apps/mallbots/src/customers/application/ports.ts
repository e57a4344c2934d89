import type { StateRepository } from '@tessera/platform/ddd';

export type { IdentityAccounts } from '@tessera/platform/identity';

import type * as Customer from '../domain/customer.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's SQL client
 * is the UnitOfWork (`@tessera/platform/ddd`).
 */

/** Customers as rows, saved with optimistic concurrency (a `conflict` when the row moved since its load). */
export interface CustomerRepository extends StateRepository<Customer.State> {
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
