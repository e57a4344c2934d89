import { createEventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { derivedId, type MessageObserver } from '@tessera/platform/messaging';
import {
  type Projector,
  projectionMigrations,
  type RebuildResult,
  registerProjectionRoutes,
  startProjector,
} from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { customersServiceFor } from '../customers/contract/customers-client.js';
import type { CustomersService } from '../customers/contract/customers-service.js';
import { registerSearchRoutes } from './adapters/http/routes.js';
import { registerTrackingRoutes } from './adapters/http/tracking-routes.js';
import { subscribeSearch } from './adapters/messaging/handlers.js';
import { eventStoreJournal } from './adapters/postgres/journal.js';
import { postgresOrderSearch } from './adapters/postgres/orders.js';
import { ordersProjection } from './adapters/postgres/projection.js';
import { trackingProjection } from './adapters/postgres/tracking-projection.js';
import { postgresOrderTrackings } from './adapters/postgres/trackings.js';
import { createSearchQueries } from './application/queries.js';
import { createSearchRecording } from './application/recording.js';
import { searchEventTypes } from './domain/events.js';

export interface SearchModuleOptions {
  /** Replaces the way Customers is asked (tests of unavailability). */
  customers?: CustomersService;
  /** Told of each message once its recording has committed (tests wait on it instead of sleeping). */
  onMessage?: MessageObserver;
  /** Given the running projector (tests wait on `caughtUp()`, read `lag()`, rebuild). */
  onProjector?: (projector: Projector) => void;
  /** Given the order tracking's running projector, likewise. */
  onTrackingProjector?: (projector: Projector) => void;
  /** How often a live stream sends a heartbeat (tests make it short). */
  liveHeartbeatMs?: number;
  /** Told when a rebuild asked over the admin route ends. */
  onRebuilt?: (outcome: RebuildResult | Error) => void;
}

const SCHEMA = 'search';

export function createSearchModule(options: SearchModuleOptions = {}): Module {
  return {
    name: 'search',
    description:
      'Order Search: a denormalized, searchable read model of orders with customer, product and store names',
    migrations: [
      eventStoreMigrations(SCHEMA),
      projectionMigrations(SCHEMA),
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
    ],

    async start({ db, broker, http, logger, services, rpcServices, serviceToken }) {
      // Driven adapters: Search's own event store (what it was told), Customers for names it never was, and
      // the read model.
      const eventStore = createEventStore({
        db,
        schema: SCHEMA,
        registry: createRegistry(...searchEventTypes),
      });
      const customers =
        options.customers ??
        customersServiceFor({ services, rpcServices, serviceToken, logger, caller: 'search' });
      const recording = createSearchRecording({
        journal: eventStoreJournal(db, eventStore),
        customers: { nameOf: async (id) => (await customers.findCustomer(id))?.name },
        eventIdOf: derivedId,
      });
      const projector = await startProjector({ db, store: eventStore }, ordersProjection(db), {
        schema: SCHEMA,
        logger,
      });
      const tracker = await startProjector({ db, store: eventStore }, trackingProjection(db), {
        schema: SCHEMA,
        logger,
      });
      options.onProjector?.(projector);
      options.onTrackingProjector?.(tracker);

      // Application.
      const queries = createSearchQueries({
        orders: postgresOrderSearch(db),
        trackings: postgresOrderTrackings(db, () => tracker.checkpoint()),
      });

      // Driver adapters: the REST routes (search, and order tracking with its live feed), the projections'
      // admin routes (lag, rebuild; metrics), and the messages Search records.
      registerSearchRoutes(http, { queries });
      registerTrackingRoutes(http, {
        queries,
        watch: (wake) => tracker.watch(wake),
        ...(options.liveHeartbeatMs === undefined ? {} : { heartbeatMs: options.liveHeartbeatMs }),
      });
      registerProjectionRoutes(http, [projector, tracker], options.onRebuilt);
      const subscriptions = await subscribeSearch(broker, db, recording, options.onMessage);
      return stopsInTurn(subscriptions, projector, tracker);
    },
  };
}

export const searchModule = createSearchModule();
