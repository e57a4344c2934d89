import { randomUUID } from 'node:crypto';
import type { Module } from '@tessera/platform/runtime';
import { sqlMigrationsIn } from '@tessera/platform/sql';
import { storesServiceFor } from '../stores/contract/stores-client.js';
import { registerDepotRoutes } from './adapters/http/routes.js';
import { depotCommandHandling } from './adapters/messaging/commands.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { type CacheObserver, subscribeToStores } from './adapters/messaging/stores-events.js';
import { postgresStoresCache } from './adapters/postgres/caches.js';
import { postgresShoppingListRepository } from './adapters/postgres/shopping-lists.js';
import { storesDirectory } from './adapters/stores/stores-directory.js';
import { createDepotCommands } from './application/commands.js';
import { createStoresLookups } from './application/lookups.js';
import type { StoresDirectory } from './application/ports.js';
import { createDepotQueries } from './application/queries.js';
import { depotPublishes, depotReceives } from './contract/integration-events.js';

export interface DepotModuleOptions {
  /**
   * Where Stores' REST API is, for cache misses (Stores runs elsewhere). Default: the `STORES_URL`
   * environment variable; without either, the Stores module of this process is called directly.
   */
  storesUrl?: string;
  /** Replaces the way Stores is asked on a miss (tests of unavailability). */
  storesDirectory?: StoresDirectory;
  /** Told of each Stores message once the caches have committed it (tests wait on it instead of sleeping). */
  onCacheUpdate?: CacheObserver;
}

export function createDepotModule(options: DepotModuleOptions = {}): Module {
  return {
    name: 'depot',
    description: 'Depot Operations: the shopping lists of orders, stop by stop, for the bots',
    migrations: [{ name: 'depot', migrations: sqlMigrationsIn(new URL('./migrations/', import.meta.url)) }],
    publishes: depotPublishes,
    receives: depotReceives,

    async start({ db, broker, http, selfUrl, services }) {
      // Driven adapters: the lists, the caches of Stores' data, and Stores itself for the misses.
      const lists = postgresShoppingListRepository(db);
      const directory: StoresDirectory =
        options.storesDirectory ??
        storesDirectory(
          storesServiceFor({
            services,
            storesUrl: options.storesUrl ?? (process.env.STORES_URL || undefined),
            selfUrl,
          }),
        );
      const lookups = createStoresLookups({ cache: postgresStoresCache(db), directory });

      // Application.
      const commands = createDepotCommands({
        db,
        lists,
        lookups,
        outbox: brokerOutbox(broker),
        newId: randomUUID,
      });
      const queries = createDepotQueries({ lists });

      // Driver adapters: the REST routes, the saga's commands, and the Stores events that keep the caches.
      registerDepotRoutes(http, { commands, queries });
      const subscriptions = [
        await broker.subscribe(depotCommandHandling(commands, { publisher: broker, db })),
        ...(await subscribeToStores(broker, db, options.onCacheUpdate)),
      ];
      return {
        async stop() {
          await Promise.all(subscriptions.map((subscription) => subscription.stop()));
        },
      };
    },
  };
}

export const depotModule = createDepotModule();
