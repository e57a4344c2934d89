import { fold } from '@tessera/platform/ddd';
import * as Customer from '../domain/customer.js';
import type { CustomerRepository, DomainEventPublisher, IntegrationOutbox, UnitOfWork } from './ports.js';

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
  const update = (id: string, decide: (state: Customer.State) => readonly Customer.Event[]) =>
    db.transaction(async () => {
      const { state, version } = await customers.load(id);
      const decided = decide(state);
      if (decided.length === 0) return;
      await customers.save(id, fold(Customer.aggregate, decided, state), version);
      const dispatched = decided.map((event) => ({ ...event, customerId: id }));
      await outbox.publish(dispatched, version + 1);
      db.afterCommit(() => events.publish(dispatched));
    });

  return {
    async registerCustomer(input) {
      const id = newId();
      await update(id, (state) => Customer.register(state, input));
      return { id };
    },

    enableCustomer: ({ id }) => update(id, Customer.enable),

    disableCustomer: ({ id }) => update(id, Customer.disable),

    changeSmsNumber: ({ id, smsNumber }) =>
      update(id, (state) => Customer.changeSmsNumber(state, { smsNumber })),

    authorizeCustomer: ({ id }) => update(id, Customer.authorize),
  };
}
