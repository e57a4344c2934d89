import { randomUUID } from 'node:crypto';
import type { MessageObserver } from '@tessera/platform/messaging';
import { tracedPort } from '@tessera/platform/observability';
import { type Module, parseEnv, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, createDeadlines, deadlineMigrations, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { z } from 'zod';
import type { FreeDrinksService } from '../loyalty/contract/free-drinks.js';
import { freeDrinksServiceFor } from '../loyalty/contract/free-drinks-client.js';
import { providerCardChargeService } from './adapters/cards/card-charge-service.js';
import { FakeCardProvider } from './adapters/cards/fake-provider.js';
import { registerCardProviderRoutes } from './adapters/http/card-provider-routes.js';
import { registerPurchaseRoutes } from './adapters/http/purchase-routes.js';
import { registerCoffeeShopsRoutes } from './adapters/http/routes.js';
import { loyaltyCoffeeBux } from './adapters/loyalty/coffee-bux.js';
import { brokerPurchaseOutbox } from './adapters/messaging/purchase-completed.js';
import { deadlineRecovery, subscribeToRecoveries } from './adapters/messaging/recovery.js';
import { postgresCoffeeLovers } from './adapters/postgres/coffee-lovers.js';
import { postgresPurchases } from './adapters/postgres/purchases.js';
import { postgresStores } from './adapters/postgres/stores.js';
import { createCoffeeLovers } from './application/coffee-lovers.js';
import type { PurchaseFaults } from './application/ports.js';
import { createPurchases } from './application/purchases.js';
import { createStores } from './application/stores.js';
import { coffeeShopsPublishes } from './contract/integration-events.js';
import { coffeeShopsRoles } from './contract/roles.js';
import type { PurchaseState } from './domain/purchase.js';

const SCHEMA = 'coffeeco_coffee_shops';

const settings = z.object({
  /** The card provider: only the fake one exists (no real provider, no secret). */
  CARD_PROVIDER: z.enum(['fake']).default('fake'),
  /** How long a purchase may stay pending before it is resumed (doubling at each further try, at most an hour). */
  COFFEE_SHOPS_RECOVERY_MS: z.coerce.number().int().min(1).default(30_000),
});

export interface CoffeeShopsModuleOptions {
  /** The fake card provider to charge (tests keep one across restarts, and make it fail). */
  cardProvider?: FakeCardProvider;
  /** Loyalty's free drinks; unset, Loyalty's module in this process or over RPC (free-drinks-client.ts). */
  freeDrinks?: FreeDrinksService;
  /** Whose time the purchases and their recoveries keep (tests move it by hand). */
  clock?: Clock;
  /** Unset, COFFEE_SHOPS_RECOVERY_MS (default 30 s). */
  recoveryAfterMs?: number;
  /** Crash points, for the fault-injection tests only. */
  faults?: PurchaseFaults;
  /** Told of each purchase this process settled (completed or failed), once committed (tests wait on it). */
  onPurchaseSettled?: (purchase: PurchaseState) => void;
  /** Told of each recovery handled, once committed. */
  onRecoveryHandled?: MessageObserver;
  env?: NodeJS.ProcessEnv;
}

export function createCoffeeShopsModule(options: CoffeeShopsModuleOptions = {}): Module {
  // Made with the module, not at its start: its charges outlast a restart of the module in this process.
  const cardProvider = options.cardProvider ?? new FakeCardProvider();
  return {
    name: 'coffee-shops',
    roles: Object.values(coffeeShopsRoles),
    description: 'Coffee shops: coffee lovers, stores with their products and discounts, purchases paid once',
    migrations: [
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
      deadlineMigrations(SCHEMA),
    ],
    publishes: coffeeShopsPublishes,

    async start({ db, broker, http, logger, identity, services, rpcServices, serviceToken }) {
      const set = parseEnv(settings, options.env ?? process.env);
      const clock = options.clock ?? systemClock;

      // Driven adapters: the tables, the recoveries' deadlines, the card provider, Loyalty, the outbox.
      const coffeeLovers = postgresCoffeeLovers(db);
      const stores = postgresStores(db);
      const deadlines = createDeadlines(db, broker, {
        schema: SCHEMA,
        clock,
        onError: (error, context) =>
          logger.error({ err: error, ...context }, 'a purchase recovery could not fire'),
      });
      const freeDrinks =
        options.freeDrinks ??
        freeDrinksServiceFor({ services, rpcServices, serviceToken, logger, caller: 'coffee-shops' });

      // Application.
      const lovers = createCoffeeLovers({ db, coffeeLovers, accounts: identity, newId: randomUUID });
      const storeService = createStores({ stores, newId: randomUUID });
      const purchases = createPurchases({
        db,
        purchases: postgresPurchases(db),
        stores,
        coffeeLovers,
        cards: providerCardChargeService(
          tracedPort('cards', cardProvider, {
            peerService: 'card-provider',
            operations: { createCharge: 'charge' },
          }),
        ),
        coffeeBux: loyaltyCoffeeBux(freeDrinks),
        outbox: brokerPurchaseOutbox(broker),
        recovery: deadlineRecovery(deadlines, {
          clock,
          afterMs: options.recoveryAfterMs ?? set.COFFEE_SHOPS_RECOVERY_MS,
        }),
        now: () => clock.now(),
        ...(options.faults && { faults: options.faults }),
        ...(options.onPurchaseSettled && { onSettled: options.onPurchaseSettled }),
      });

      // Driver adapters: the routes, the fake provider's dashboard, the recoveries.
      registerCoffeeShopsRoutes(http, { coffeeLovers: lovers, stores: storeService });
      registerPurchaseRoutes(http, purchases);
      if (set.CARD_PROVIDER === 'fake') registerCardProviderRoutes(http, cardProvider);
      const subscriptions = [await subscribeToRecoveries(broker, db, purchases, options.onRecoveryHandled)];
      await deadlines.start();
      return stopsInTurn(subscriptions, deadlines);
    },
  };
}

export const coffeeShopsModule = createCoffeeShopsModule();
