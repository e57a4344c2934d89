import { randomUUID } from 'node:crypto';
import {
  createAggregateRepository,
  createEventStore,
  eventStoreMigrations,
  everyNEvents,
} from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import type { Module } from '@tessera/platform/runtime';
import { sqlMigrationsIn } from '@tessera/platform/sql';
import { registerStoresRoutes } from './adapters/http/routes.js';
import { publishIntegrationEvents } from './adapters/messaging/integration-events.js';
import { catalogProjection, postgresCatalogRepository } from './adapters/postgres/catalog.js';
import { mallProjection, postgresMallRepository } from './adapters/postgres/mall.js';
import { registerStoresRpc } from './adapters/rpc/stores-service.js';
import { storesService } from './adapters/services/stores-service.js';
import { createStoresCommands } from './application/commands.js';
import { createStoresQueries } from './application/queries.js';
import { storesPublishes } from './contract/integration-events.js';
import { STORES_SERVICE } from './contract/stores-service.js';
import { storesEventTypes } from './domain/events.js';
import * as Product from './domain/product.js';
import * as Store from './domain/store.js';

export interface StoresModuleOptions {
  /** A snapshot each time an aggregate's stream reaches a multiple of this many events (default 50). */
  snapshotEvery?: number;
}

const SCHEMA = 'stores';

/** Bump when Store.State or Product.State changes shape: older snapshots are then ignored and replaced. */
const SNAPSHOT_VERSION = 1;

export function createStoresModule(options: StoresModuleOptions = {}): Module {
  const snapshots = { strategy: everyNEvents(options.snapshotEvery ?? 50), version: SNAPSHOT_VERSION };
  return {
    name: 'stores',
    description: 'Store Management: stores, participation in automated shopping, and their product catalogs',
    migrations: [
      eventStoreMigrations(SCHEMA),
      { name: SCHEMA, migrations: sqlMigrationsIn(new URL('./migrations/', import.meta.url)) },
    ],
    publishes: storesPublishes,

    async start({ db, broker, http, rpc, services }) {
      // Driven adapters: the event store, whose appends update the read models and publish the integration
      // events in the same transaction.
      const eventStore = createEventStore({
        db,
        schema: SCHEMA,
        registry: createRegistry(...storesEventTypes),
        inlineProjections: [mallProjection(db), catalogProjection(db), publishIntegrationEvents(broker)],
      });
      const transaction = <T>(work: () => Promise<T>) => db.transaction(work);
      const stores = createAggregateRepository(eventStore, Store.aggregate, { snapshots, transaction });
      const products = createAggregateRepository(eventStore, Product.aggregate, { snapshots, transaction });

      // Application.
      const commands = createStoresCommands({ stores, products, newId: randomUUID });
      const queries = createStoresQueries({
        mall: postgresMallRepository(db),
        catalog: postgresCatalogRepository(db),
      });

      // Driver adapters.
      registerStoresRoutes(http, { commands, queries });
      services.provide(STORES_SERVICE, storesService(queries));
      registerStoresRpc(rpc, queries);
      return {};
    },
  };
}

export const storesModule = createStoresModule();
