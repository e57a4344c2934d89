import { randomUUID } from 'node:crypto';
import { type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { type Clock, systemClock } from '@tessera/platform/scheduling';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { marketingCampaignsGroup } from './adapters/acl/marketing-campaigns.js';
import { registerOpenHostRoute } from './adapters/http/open-host.js';
import { registerSubscriptionsRoutes } from './adapters/http/routes.js';
import { postgresCampaigns } from './adapters/postgres/campaigns.js';
import { postgresLeads } from './adapters/postgres/leads.js';
import { registerUserServiceRpc } from './adapters/rpc/user-service.js';
import { createCampaignCommands } from './application/campaigns.js';
import { createSubscriptionsCommands } from './application/leads.js';
import { createSubscriptionsQueries } from './application/queries.js';
import { createUserHandler } from './application/user-handler.js';
import { subscriptionsRoles } from './contract/roles.js';

export interface SubscriptionsModuleOptions {
  clock?: Clock;
  /** Told of each campaign message once its handling has committed (tests wait on it instead of sleeping). */
  onCampaignHandled?: (message: Envelope) => void;
}

/**
 * Subscriptions: CoffeeCo's coffee subscription, in its own language (leads convert into customers by selecting a
 * subscription), with an open host service and its published language for other systems, and an
 * anti-corruption layer in front of Marketing's campaigns.
 */
export function createSubscriptionsModule(options: SubscriptionsModuleOptions = {}): Module {
  return {
    name: 'subscriptions',
    roles: Object.values(subscriptionsRoles),
    description:
      'Subscriptions: leads who become customers by selecting a subscription; the open host other systems ask',
    migrations: [sqlMigrationSet('coffeeco_subscriptions', new URL('./migrations/', import.meta.url))],

    async start({ db, broker, http, rpc, identity }) {
      const clock = options.clock ?? systemClock;
      // Driven adapters.
      const leads = postgresLeads(db);
      const campaigns = postgresCampaigns(db);

      // Application.
      const commands = createSubscriptionsCommands({
        db,
        leads,
        accounts: identity,
        newId: randomUUID,
        now: () => clock.now(),
      });
      const queries = createSubscriptionsQueries({ leads, campaigns });

      // Driver adapters: the REST routes, the open host and its gRPC form, and marketing's campaigns.
      registerSubscriptionsRoutes(http, { commands, queries });
      registerOpenHostRoute(http, createUserHandler({ leads }));
      registerUserServiceRpc(rpc, commands);
      const subscriptions = await subscribeGroups(
        broker,
        [marketingCampaignsGroup(createCampaignCommands({ campaigns }))],
        { db, observer: options.onCampaignHandled },
      );
      return stopsInTurn(subscriptions);
    },
  };
}

export const subscriptionsModule = createSubscriptionsModule();
