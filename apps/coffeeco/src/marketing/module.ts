import { randomUUID } from 'node:crypto';
import type { Module } from '@tessera/platform/runtime';
import { type Clock, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerMarketingRoutes } from './adapters/http/routes.js';
import { brokerOutbox } from './adapters/messaging/launches.js';
import { postgresLaunches } from './adapters/postgres/launches.js';
import { createMarketing } from './application/launches.js';
import { marketingPublishes } from './contract/integration-events.js';
import { marketingRoles } from './contract/roles.js';

export interface MarketingModuleOptions {
  clock?: Clock;
}

/**
 * Marketing: a small stand-in for CoffeeCo's marketing department, upstream of Subscriptions. Marketers launch
 * campaigns in marketing's own model, published through the outbox; it is not ours to fix, so it checks little.
 */
export function createMarketingModule(options: MarketingModuleOptions = {}): Module {
  return {
    name: 'marketing',
    roles: Object.values(marketingRoles),
    description:
      'Marketing: campaigns, launched in marketing’s own model (an upstream stub that checks little)',
    migrations: [sqlMigrationSet('coffeeco_marketing', new URL('./migrations/', import.meta.url))],
    publishes: marketingPublishes,

    async start({ db, broker, http }) {
      const clock = options.clock ?? systemClock;
      const marketing = createMarketing({
        db,
        launches: postgresLaunches(db),
        outbox: brokerOutbox(broker),
        newId: randomUUID,
        now: () => clock.now(),
      });
      registerMarketingRoutes(http, marketing);
      return {};
    },
  };
}

export const marketingModule = createMarketingModule();
