import { stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import { customersRoles } from '../contract/roles.js';
import * as Customer from '../domain/customer.js';
import type {
  CustomerRepository,
  DomainEventPublisher,
  IdentityAccounts,
  IntegrationOutbox,
} from './ports.js';

export interface CustomersCommandDependencies {
  readonly db: UnitOfWork;
  readonly customers: CustomerRepository;
  readonly events: DomainEventPublisher;
  readonly outbox: IntegrationOutbox;
  /** Ids of new customers (UUID v4). */
  readonly newId: () => string;
  /** Where a customer who registers with a username and password gets the account they log in with. */
  readonly accounts: IdentityAccounts;
}

/** What a customer logs in with; the id of their tokens is their customer id. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

export interface CustomersCommands {
  /** With a login, the customer's account is opened in the same unit of work: a taken username registers nothing. */
  registerCustomer(input: { name: string; smsNumber: string; login?: Login }): Promise<{ id: string }>;
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
  accounts,
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
    async registerCustomer({ login, ...input }) {
      const id = newId();
      await db.transaction(async () => {
        await update(id, (state) => Customer.register(state, input));
        if (login) await accounts.register({ subject: id, ...login, roles: [customersRoles.customer.name] });
      });
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
