import { randomUUID } from 'node:crypto';
import { type MessageObserver, subscribeGroups } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import { type Clock, createDeadlines, deadlineMigrations, systemClock } from '@tessera/platform/scheduling';
import { changePositionMigrations, openChangePositions, sqlMigrationSet } from '@tessera/platform/sql';
import { storesServiceFor } from '../stores/contract/stores-client.js';
import { storesCopyGroups } from '../stores/contract/stores-copies.js';
import { registerDepotLiveRoutes } from './adapters/http/live-routes.js';
import { registerDepotRoutes } from './adapters/http/routes.js';
import { botTimeoutsGroup, deadlineBotTimeouts } from './adapters/messaging/bot-timeouts.js';
import { depotCommandHandling } from './adapters/messaging/commands.js';
import { brokerOutbox } from './adapters/messaging/integration-events.js';
import { ordersGroup } from './adapters/messaging/ordering-events.js';
import { storesCacheHandlers } from './adapters/messaging/stores-events.js';
import { postgresBotSignals } from './adapters/postgres/bot-signals.js';
import { postgresBotRepository } from './adapters/postgres/bots.js';
import { postgresStoresCache } from './adapters/postgres/caches.js';
import { postgresShoppingListRepository } from './adapters/postgres/shopping-lists.js';
import { registerRobotsRpc } from './adapters/rpc/robots-service.js';
import { storesDirectory } from './adapters/stores/stores-directory.js';
import { depotAssignment } from './application/changes.js';
import { createDepotCommands } from './application/commands.js';
import { createStoresLookups } from './application/lookups.js';
import type { StoresDirectory } from './application/ports.js';
import { createDepotQueries } from './application/queries.js';
import { createRobotOperations, type Robots } from './application/robots.js';
import { depotPublishes, depotReceives } from './contract/integration-events.js';
import { depotRoles } from './contract/roles.js';

export interface DepotModuleOptions {
  /** Replaces the way Stores is asked on a miss (tests of unavailability). */
  storesDirectory?: StoresDirectory;
  /** Told of each Stores message once the caches have committed it (tests wait on it instead of sleeping). */
  onCacheUpdate?: MessageObserver;
  /**
   * How long a bot holding a list may stay disconnected before the list goes back to the other bots.
   * Default: the `DEPOT_BOT_TIMEOUT` environment variable ("30s", "500ms", "2m" or milliseconds), else 30 s.
   */
  botTimeoutMs?: number;
  /** The clock of the bots' timeouts (tests travel in time with a manual one). */
  clock?: Clock;
  /** Given the bots' operations once the module started (tests drive bots without their RPC stream). */
  onRobots?: (robots: Robots) => void;
}

const DEFAULT_BOT_TIMEOUT_MS = 30_000;
/** The deadlines live beside the lists, in the depot's schema. */
const DEADLINES_SCHEMA = 'depot';

/** "30s", "500ms", "2m", "1h" or a number of milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new Error(`not a duration: "${text}" (say "30s", "500ms", "2m")`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

const botTimeoutOf = (options: DepotModuleOptions) =>
  options.botTimeoutMs ??
  (process.env.DEPOT_BOT_TIMEOUT ? parseDuration(process.env.DEPOT_BOT_TIMEOUT) : DEFAULT_BOT_TIMEOUT_MS);

export function createDepotModule(options: DepotModuleOptions = {}): Module {
  return {
    name: 'depot',
    description: 'Depot Operations: the shopping lists of orders, stop by stop, for the bots',
    migrations: [
      // Before the module's own: its 003 gives the lists and the bots the change positions' trigger.
      changePositionMigrations('depot'),
      sqlMigrationSet('depot', new URL('./migrations/', import.meta.url)),
      deadlineMigrations(DEADLINES_SCHEMA),
    ],
    publishes: depotPublishes,
    receives: depotReceives,
    roles: Object.values(depotRoles),

    async start({ db, broker, http, rpc, logger, services, rpcServices, serviceToken }) {
      const clock = options.clock ?? systemClock;
      const botTimeoutMs = botTimeoutOf(options);
      // Driven adapters: the lists and bots, the caches of Stores' data, Stores itself for the misses, the
      // bots' wake-ups and their timeouts.
      const lists = postgresShoppingListRepository(db);
      const bots = postgresBotRepository(db);
      const signals = postgresBotSignals(db);
      const positions = await openChangePositions(db, 'depot');
      const deadlines = createDeadlines(db, broker, {
        schema: DEADLINES_SCHEMA,
        clock,
        onError: (error, context) => logger.error({ err: error, ...context }, 'a bot timeout could not fire'),
      });
      const directory: StoresDirectory =
        options.storesDirectory ??
        storesDirectory(storesServiceFor({ services, rpcServices, serviceToken, logger, caller: 'depot' }));
      const caches = postgresStoresCache(db);
      const lookups = createStoresLookups({ cache: caches, directory });

      // Application.
      const changing = {
        db,
        lists,
        bots,
        signals,
        outbox: brokerOutbox(broker),
        onError: (error: unknown) => logger.error({ err: error }, 'automatic assignment failed'),
      };
      const assignment = depotAssignment(changing);
      const commands = createDepotCommands({ ...changing, lookups, assignment, newId: randomUUID });
      const queries = createDepotQueries({ lists, bots });
      const robots = createRobotOperations({
        ...changing,
        assignment,
        timeouts: deadlineBotTimeouts(deadlines, { clock, timeoutMs: botTimeoutMs }),
      });

      // Driver adapters: the REST routes, the saga's commands, Ordering's cancellations, the bots'
      // timeouts, the Stores events that keep the caches, and the bots' own API (RPC).
      registerDepotRoutes(http, { commands, queries, positions });
      registerDepotLiveRoutes(http, { queries, positions });
      // A stream heartbeats three times per bot timeout; a bot silent for a whole timeout had its stream in a
      // process that died, and is swept offline (then it has the bot timeout to come back to its list).
      registerRobotsRpc(rpc, robots, logger, { heartbeatMs: Math.max(1, Math.floor(botTimeoutMs / 3)) });
      const subscriptions = [
        await broker.subscribe(depotCommandHandling(commands, { publisher: broker, db })),
        ...(await subscribeGroups(broker, [ordersGroup(commands), botTimeoutsGroup(robots)])),
        ...(await subscribeGroups(broker, storesCopyGroups('depot', storesCacheHandlers(caches)), {
          db,
          observer: options.onCacheUpdate,
        })),
      ];
      options.onRobots?.(robots);
      await deadlines.start();
      // Pairs left over by a process that stopped between a commit and its assignment.
      await assignment.run();
      const sweeping = setInterval(
        () => {
          robots
            .sweep(botTimeoutMs)
            .catch((error: unknown) => logger.error({ err: error }, 'sweeping bots failed'));
        },
        Math.max(1, Math.floor(botTimeoutMs / 2)),
      );
      sweeping.unref();
      return {
        async stop() {
          clearInterval(sweeping);
          await Promise.all(subscriptions.map((subscription) => subscription.stop()));
          await deadlines.stop();
          await signals.close();
          await positions.close();
        },
      };
    },
  };
}

export const depotModule = createDepotModule();
