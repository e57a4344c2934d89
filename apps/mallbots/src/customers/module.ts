import { randomUUID } from 'node:crypto';
import { createDomainEventBus, type DomainEventBus } from '@tessera/platform/ddd';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerCustomersRoutes } from './adapters/http/routes.js';
import { customersCommandHandling } from './adapters/messaging/commands.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { instrumented } from './adapters/observability/metrics.js';
import { postgresCustomerRepository } from './adapters/postgres/customers.js';
import { registerCustomersRpc } from './adapters/rpc/customers-service.js';
import { customersService } from './adapters/services/customers-service.js';
import { createCustomersCommands } from './application/commands.js';
import { createCustomersQueries } from './application/queries.js';
import { CUSTOMERS_SERVICE } from './contract/customers-service.js';
import { customersPublishes, customersReceives } from './contract/integration-events.js';
import { customersRoles } from './contract/roles.js';

export interface CustomersModuleOptions {
  /** Where the module's domain events are dispatched after commit (default: a bus of its own). */
  bus?: DomainEventBus;
}

export function createCustomersModule(options: CustomersModuleOptions = {}): Module {
  return {
    name: 'customers',
    description: 'Customers: registration, SMS numbers, and who may order',
    migrations: [sqlMigrationSet('customers', new URL('./migrations/', import.meta.url))],
    publishes: customersPublishes,
    receives: customersReceives,
    roles: Object.values(customersRoles),

    async start({ db, broker, http, rpc, services, identity }) {
      // Driven adapters.
      const customers = postgresCustomerRepository(db);
      const events = options.bus ?? createDomainEventBus();

      // Application.
      const commands = instrumented(
        createCustomersCommands({
          db,
          customers,
          events,
          outbox: brokerOutbox(broker),
          newId: randomUUID,
          accounts: identity,
        }),
        db,
      );
      const queries = createCustomersQueries({ customers });

      // Driver adapters: the REST routes, the CustomersService other modules ask (in this process), and the
      // saga's commands (AuthorizeCustomer), replied to on replyTo.
      registerCustomersRoutes(http, { commands, queries });
      services.provide(CUSTOMERS_SERVICE, customersService(queries));
      registerCustomersRpc(rpc, queries);
      const commandHandling = await broker.subscribe(
        customersCommandHandling(commands, { publisher: broker, db }),
      );
      return stopsInTurn(commandHandling);
    },
  };
}

export const customersModule = createCustomersModule();
