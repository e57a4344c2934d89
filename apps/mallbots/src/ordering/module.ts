import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import { type MessageObserver, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import type { BasketCheckouts } from '../baskets/contract/checkouts.js';
import { basketCheckoutsFor } from '../baskets/contract/checkouts-client.js';
import { registerOrderingRoutes } from './adapters/http/routes.js';
import { basketsGroup } from './adapters/messaging/baskets-events.js';
import { orderingCommandHandling } from './adapters/messaging/commands.js';
import { fulfilmentGroups } from './adapters/messaging/fulfilment-events.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { instrumented } from './adapters/observability/metrics.js';
import { createOrderingCommands } from './application/commands.js';
import { createOrderingQueries } from './application/queries.js';
import { orderingPublishes, orderingReceives } from './contract/integration-events.js';
import { orderingEventTypes } from './domain/events.js';
import * as Order from './domain/order.js';

export interface OrderingModuleOptions {
  /** A snapshot each time an order's stream reaches a multiple of this many events (default 50). */
  snapshotEvery?: number;
  /** Told of each Baskets message once its handling has committed (tests wait on it instead of sleeping). */
  onBasketsMessage?: MessageObserver;
  /** Replaces the way Baskets is asked about checkouts (hosts without Baskets). */
  checkouts?: BasketCheckouts;
}

const SCHEMA = 'ordering';

/**
 * Bump when Order.State changes shape or values: older snapshots are then ignored and replaced. 2: the status
 * is spelled `canceled` (1 stored `cancelled`): an order is then replayed from its events, which carry no status.
 */
const SNAPSHOT_VERSION = 2;

export function createOrderingModule(options: OrderingModuleOptions = {}): Module {
  return {
    name: 'ordering',
    description:
      'Order Processing: orders from checked-out baskets, approved or rejected by the saga, to pickup',
    migrations: [eventStoreMigrations(SCHEMA)],
    publishes: orderingPublishes,
    receives: orderingReceives,

    async start({ db, broker, http, logger, services, httpAddressOf, serviceToken }) {
      // Driven adapters: the event store, whose saves write their integration messages (the outbox).
      const events = eventSourcing({
        db,
        schema: SCHEMA,
        eventTypes: orderingEventTypes,
        snapshots: { version: SNAPSHOT_VERSION, every: options.snapshotEvery },
      });
      const orders = events.repository(Order.aggregate, { outbox: instrumented(brokerOutbox(broker), db) });
      // Baskets, for an order not made yet: in this process, else over HTTP where HTTP_SERVICES says.
      const checkouts =
        options.checkouts ?? basketCheckoutsFor({ services, httpAddressOf, serviceToken, logger });

      // Application.
      const commands = createOrderingCommands({ orders, checkouts });
      const queries = createOrderingQueries({ orders, checkouts });

      // Driver adapters: the REST routes, checked-out baskets, the saga's commands, completed shopping lists
      // (ready) and paid invoices (completed).
      registerOrderingRoutes(http, { commands, queries });
      const baskets = await subscribeGroups(broker, [basketsGroup(commands)], {
        db,
        observer: options.onBasketsMessage,
      });
      const commandHandling = await broker.subscribe(
        orderingCommandHandling(commands, { publisher: broker, db }),
      );
      const fulfilment = await subscribeGroups(broker, fulfilmentGroups(commands));
      return stopsInTurn([...baskets, commandHandling, ...fulfilment]);
    },
  };
}

export const orderingModule = createOrderingModule();
