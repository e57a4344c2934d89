import {
  createAggregateRepository,
  createEventStore,
  eventStoreMigrations,
  everyNEvents,
} from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import type { Module } from '@tessera/platform/runtime';
import { registerOrderingRoutes } from './adapters/http/routes.js';
import { type BasketsObserver, subscribeToBaskets } from './adapters/messaging/baskets-events.js';
import { orderingCommandHandling } from './adapters/messaging/commands.js';
import { subscribeToFulfilment } from './adapters/messaging/fulfilment-events.js';
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
  onBasketsMessage?: BasketsObserver;
}

const SCHEMA = 'ordering';

/**
 * Bump when Order.State changes shape or values: older snapshots are then ignored and replaced. 2: the status
 * is spelled `canceled` (1 stored `cancelled`): an order is then replayed from its events, which carry no status.
 */
const SNAPSHOT_VERSION = 2;

export function createOrderingModule(options: OrderingModuleOptions = {}): Module {
  const snapshots = { strategy: everyNEvents(options.snapshotEvery ?? 50), version: SNAPSHOT_VERSION };
  return {
    name: 'ordering',
    description:
      'Order Processing: orders from checked-out baskets, approved or rejected by the saga, to pickup',
    migrations: [eventStoreMigrations(SCHEMA)],
    publishes: orderingPublishes,
    receives: orderingReceives,

    async start({ db, broker, http }) {
      // Driven adapters: the event store, whose saves write their integration messages (the outbox).
      const eventStore = createEventStore({
        db,
        schema: SCHEMA,
        registry: createRegistry(...orderingEventTypes),
      });
      const transaction = <T>(work: () => Promise<T>) => db.transaction(work);
      const outbox = instrumented(brokerOutbox(broker), db);
      const orders = createAggregateRepository(eventStore, Order.aggregate, {
        snapshots,
        transaction,
        onSaved: (saved) => outbox.publish(saved.id, saved.state, saved.events),
      });

      // Application.
      const commands = createOrderingCommands({ orders });
      const queries = createOrderingQueries({ orders });

      // Driver adapters: the REST routes, checked-out baskets, the saga's commands, completed shopping lists
      // (ready) and paid invoices (completed).
      registerOrderingRoutes(http, { commands, queries });
      const baskets = await subscribeToBaskets(broker, db, commands, options.onBasketsMessage);
      const commandHandling = await broker.subscribe(
        orderingCommandHandling(commands, { publisher: broker, db }),
      );
      const fulfilment = await subscribeToFulfilment(broker, commands);
      return {
        async stop() {
          await Promise.all([baskets, commandHandling, ...fulfilment].map((s) => s.stop()));
        },
      };
    },
  };
}

export const orderingModule = createOrderingModule();
