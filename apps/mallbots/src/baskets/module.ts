import { randomUUID } from 'node:crypto';
import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import { type MessageObserver, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { customersServiceFor } from '../customers/contract/customers-client.js';
import { storesServiceFor } from '../stores/contract/stores-client.js';
import { storesCopyGroups } from '../stores/contract/stores-copies.js';
import { registerBasketsRoutes } from './adapters/http/routes.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { storesCacheHandlers } from './adapters/messaging/stores-events.js';
import { instrumented } from './adapters/observability/metrics.js';
import { postgresStoresCache } from './adapters/postgres/caches.js';
import { storesDirectory } from './adapters/stores/stores-directory.js';
import { createBasketsCommands } from './application/commands.js';
import { createStoresLookups } from './application/lookups.js';
import type { CustomersDirectory, StoresDirectory } from './application/ports.js';
import { createBasketsQueries } from './application/queries.js';
import { BASKET_CHECKOUTS_SERVICE, type BasketCheckouts } from './contract/checkouts.js';
import { basketsPublishes } from './contract/integration-events.js';
import * as Basket from './domain/basket.js';
import { basketsEventTypes } from './domain/events.js';

export interface BasketsModuleOptions {
  /** A snapshot each time a basket's stream reaches a multiple of this many events (default 50). */
  snapshotEvery?: number;
  /** Replaces the way Stores is asked on a miss (tests of unavailability). */
  storesDirectory?: StoresDirectory;
  /** Replaces the way Customers is asked whether a customer is registered (hosts without Customers). */
  customers?: CustomersDirectory;
  /** Told of each Stores message once the caches have committed it (tests wait on it instead of sleeping). */
  onCacheUpdate?: MessageObserver;
}

const SCHEMA = 'baskets';

/** Bump when Basket.State changes shape: older snapshots are then ignored and replaced. */
const SNAPSHOT_VERSION = 1;

export function createBasketsModule(options: BasketsModuleOptions = {}): Module {
  return {
    name: 'baskets',
    description: 'Shopping Baskets: a customer starts a basket at the kiosk, fills it, and checks it out',
    migrations: [
      eventStoreMigrations(SCHEMA),
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
    ],
    publishes: basketsPublishes,

    async start({ db, broker, http, logger, services, rpcServices, serviceToken }) {
      // Driven adapters: the event store, whose saves write their integration messages (the outbox), the caches
      // of Stores' data, and Stores' API for the misses.
      const events = eventSourcing({
        db,
        schema: SCHEMA,
        eventTypes: basketsEventTypes,
        snapshots: { version: SNAPSHOT_VERSION, every: options.snapshotEvery },
      });
      const baskets = events.repository(Basket.aggregate, { outbox: brokerOutbox(broker) });
      const directory: StoresDirectory =
        options.storesDirectory ??
        storesDirectory(storesServiceFor({ services, rpcServices, serviceToken, logger, caller: 'baskets' }));
      const caches = postgresStoresCache(db);
      const lookups = createStoresLookups({ cache: caches, directory });
      const customers =
        options.customers ??
        customersServiceFor({ services, rpcServices, serviceToken, logger, caller: 'baskets' });

      // Application.
      const commands = instrumented(
        createBasketsCommands({ baskets, lookups, customers, newId: randomUUID }),
        db,
      );
      const queries = createBasketsQueries({ baskets });
      // Other modules of this process ask whether a basket was checked out (Ordering, while placing).
      services.provide<BasketCheckouts>(BASKET_CHECKOUTS_SERVICE, {
        findCheckout: (id) => queries.findCheckout({ id }),
      });

      // Driver adapters: the REST routes, and the Stores events that keep the caches.
      registerBasketsRoutes(http, { commands, queries });
      const subscriptions = await subscribeGroups(
        broker,
        storesCopyGroups('baskets', storesCacheHandlers(caches)),
        {
          db,
          observer: options.onCacheUpdate,
        },
      );
      return stopsInTurn(subscriptions);
    },
  };
}

export const basketsModule = createBasketsModule();
