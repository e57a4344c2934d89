import { stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import * as Customer from '../domain/customer.js';
import type { CustomerRepository, DomainEventPublisher, IntegrationOutbox } from './ports.js';

export interface CustomersCommandDependencies {
  readonly db: UnitOfWork;
  readonly customers: CustomerRepository;
  readonly events: DomainEventPublisher;
  readonly outbox: IntegrationOutbox;
  /** Ids of new customers (UUID v4). */
  readonly newId: () => string;
}

export interface CustomersCommands {
  registerCustomer(input: { name: string; smsNumber: string }): Promise<{ id: string }>;
  enableCustomer(input: { id: string }): Promise<void>;
  disableCustomer(input: { id: string }): Promise<void>;
  changeSmsNumber(input: { id: string; smsNumber: string }): Promise<void>;
  /**
   * Resolves when the customer may order; throws `customer_not_authorized` (403) when they are unknown or
   * disabled. The handler of the `customersapi.AuthorizeCustomer` command once the saga lands.
   */
  authorizeCustomer(input: { id: string }): Promise<void>;
}

/**
 * Each command runs in one transaction: load the row, let the domain decide, fold the events into the new
 * state, and save it only if the row is still at the version that was loaded. The events are dispatched once
 * the transaction has committed, so a subscriber never sees a change that was rolled back.
 */
export function createCustomersCommands({
  db,
  customers,
  events,
  outbox,
  newId,
}: CustomersCommandDependencies): CustomersCommands {
  const { update } = stateStored({
    db,
    aggregate: Customer.aggregate,
    repository: customers,
    async onSaved(change) {
      const dispatched = change.events.map((event) => ({ ...event, customerId: change.id }));
      await outbox.publish(dispatched, change.version);
      await db.afterCommit(() => events.publish(dispatched));
    },
  });

  return {
    async registerCustomer(input) {
      const id = newId();
      await update(id, (state) => Customer.register(state, input));
      return { id };
    },

    async enableCustomer({ id }) {
      await update(id, Customer.enable);
    },

    async disableCustomer({ id }) {
      await update(id, Customer.disable);
    },

    async changeSmsNumber({ id, smsNumber }) {
      await update(id, (state) => Customer.changeSmsNumber(state, { smsNumber }));
    },

    async authorizeCustomer({ id }) {
      await update(id, Customer.authorize);
    },
  };
}
