import { randomUUID } from 'node:crypto';
import { type MessageObserver, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { customersServiceFor } from '../customers/contract/customers-client.js';
import { registerPaymentsRoutes } from './adapters/http/routes.js';
import { paymentsCommandHandling } from './adapters/messaging/commands.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { ordersGroup } from './adapters/messaging/orders-events.js';
import { postgresInvoiceRepository, postgresPaymentRepository } from './adapters/postgres/rows.js';
import { createPaymentsCommands } from './application/commands.js';
import type { CustomersDirectory } from './application/ports.js';
import { createPaymentsQueries } from './application/queries.js';
import { paymentsPublishes, paymentsReceives } from './contract/integration-events.js';

export interface PaymentsModuleOptions {
  /** Told of each Order message once its handling has committed (tests wait on it instead of sleeping). */
  onOrderHandled?: MessageObserver;
  /** Replaces the way Customers is asked whether a customer is registered (hosts without Customers). */
  customers?: CustomersDirectory;
}

export function createPaymentsModule(options: PaymentsModuleOptions = {}): Module {
  return {
    name: 'payments',
    description: 'Payments: payments authorized at the kiosk, and the invoices of ready orders',
    migrations: [sqlMigrationSet('payments', new URL('./migrations/', import.meta.url))],
    publishes: paymentsPublishes,
    receives: paymentsReceives,

    async start({ db, broker, http, logger, services, rpcServices, serviceToken }) {
      // Driven adapters, Customers among them (in this process or over RPC).
      const payments = postgresPaymentRepository(db);
      const invoices = postgresInvoiceRepository(db);
      const customers =
        options.customers ??
        customersServiceFor({ services, rpcServices, serviceToken, logger, caller: 'payments' });

      // Application.
      const commands = createPaymentsCommands({
        db,
        payments,
        invoices,
        outbox: brokerOutbox(broker),
        customers,
        newId: randomUUID,
      });
      const queries = createPaymentsQueries({ payments, invoices });

      // Driver adapters: the REST routes, the saga's ConfirmPayment and ReleasePayment, and Ordering's events.
      registerPaymentsRoutes(http, { commands, queries });
      const subscriptions = [
        await broker.subscribe(paymentsCommandHandling(commands, { publisher: broker, db })),
        ...(await subscribeGroups(broker, [ordersGroup(commands, logger)], {
          db,
          observer: options.onOrderHandled,
        })),
      ];
      return stopsInTurn(subscriptions);
    },
  };
}

export const paymentsModule = createPaymentsModule();
