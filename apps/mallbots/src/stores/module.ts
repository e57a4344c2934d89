import { randomUUID } from 'node:crypto';
import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import type { Module } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerStoresRoutes } from './adapters/http/routes.js';
import { publishIntegrationEvents } from './adapters/messaging/integration-events.js';
import { catalogProjection, postgresCatalogRepository } from './adapters/postgres/catalog.js';
import { mallProjection, postgresMallRepository } from './adapters/postgres/mall.js';
import { registerStoresRpc } from './adapters/rpc/stores-service.js';
import { storesService } from './adapters/services/stores-service.js';
import { createStoresCommands } from './application/commands.js';
import { createStoresQueries } from './application/queries.js';
import { storesPublishes } from './contract/integration-events.js';
import { storesRoles } from './contract/roles.js';
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
  return {
    name: 'stores',
    description: 'Store Management: stores, participation in automated shopping, and their product catalogs',
    migrations: [
      eventStoreMigrations(SCHEMA),
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
    ],
    publishes: storesPublishes,
    roles: Object.values(storesRoles),

    async start({ db, broker, http, rpc, services }) {
      // Driven adapters: the event store, whose appends update the read models and publish the integration
      // events in the same transaction.
      const events = eventSourcing({
        db,
        schema: SCHEMA,
        eventTypes: storesEventTypes,
        inlineProjections: [mallProjection(db), catalogProjection(db), publishIntegrationEvents(broker)],
        snapshots: { version: SNAPSHOT_VERSION, every: options.snapshotEvery },
      });
      const stores = events.repository(Store.aggregate);
      const products = events.repository(Product.aggregate);

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
