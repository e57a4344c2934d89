import { eventSourcing, eventStoreMigrations } from '@tessera/platform/eventstore';
import { derivedId, type Envelope, subscribeGroups } from '@tessera/platform/messaging';
import { type Module, stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { registerLoyaltyRoutes } from './adapters/http/routes.js';
import { purchaseGroups } from './adapters/messaging/purchases.js';
import {
  cardRows,
  postgresCardViews,
  postgresRedemptions,
  postgresStampedPurchases,
} from './adapters/postgres/cards.js';
import { registerFreeDrinksRpc } from './adapters/rpc/free-drinks-service.js';
import { freeDrinksService } from './adapters/services/free-drinks-service.js';
import { createLoyaltyCommands } from './application/commands.js';
import { createLoyaltyQueries } from './application/queries.js';
import { FREE_DRINKS_SERVICE } from './contract/free-drinks.js';
import * as CoffeeBux from './domain/coffee-bux.js';
import { coffeeBuxEventTypes } from './domain/events.js';

const SCHEMA = 'coffeeco_loyalty';
/** Bump when CoffeeBux.State changes shape: older snapshots are then ignored and replaced. */
const SNAPSHOT_VERSION = 1;

export interface LoyaltyModuleOptions {
  /** Told of each completed purchase once its stamping has committed (tests wait on it instead of sleeping). */
  onPurchaseHandled?: (message: Envelope) => void;
  /** How often a live card stream sends a heartbeat (tests shorten it). Default 15 s. */
  liveHeartbeatMs?: number;
}

/**
 * A coffee lover's card at a store always has the same id: the first stamp there issues it, and every later
 * purchase, redemption or question finds it without a lookup. A store id is a UUID (no '/'), so the pair is
 * unambiguous.
 */
export const cardIdFor = (coffeeLoverId: string, storeId: string) =>
  derivedId(`loyalty.CoffeeBux/${storeId}/${coffeeLoverId}`, 0);

export function createLoyaltyModule(options: LoyaltyModuleOptions = {}): Module {
  return {
    name: 'loyalty',
    description:
      'Loyalty: the CoffeeBux card, a stamp per drink, a free drink after ten, paying with free drinks',
    migrations: [
      sqlMigrationSet(SCHEMA, new URL('./migrations/', import.meta.url)),
      eventStoreMigrations(SCHEMA),
    ],

    async start({ db, broker, http, rpc, services }) {
      // Driven adapters: the cards' event store, whose saves keep the cards' query model; the stamped purchases
      // and the redemptions that make each purchase count once.
      const events = eventSourcing({
        db,
        schema: SCHEMA,
        eventTypes: coffeeBuxEventTypes,
        snapshots: { version: SNAPSHOT_VERSION },
      });
      const cards = events.repository(CoffeeBux.aggregate, { outbox: cardRows(db) });
      const views = postgresCardViews(db, { store: events.store, streamName: cards.streamName });

      // Application.
      const commands = createLoyaltyCommands({
        cards,
        stampedPurchases: postgresStampedPurchases(db),
        redemptions: postgresRedemptions(db),
        db,
        cardIdFor,
      });
      const queries = createLoyaltyQueries({ views, cardIdFor });
      // Live streams of cards read again when a card may have changed: at each append committed to the cards'
      // event store (by any process), which the follower hears.
      const cardsChanged = new Set<() => void>();
      const follower = await events.store.follow({
        afterPosition: await events.store.headPosition(),
        handle: async () => {
          for (const wake of cardsChanged) wake();
        },
      });
      const watch = (wake: () => void) => {
        cardsChanged.add(wake);
        return () => cardsChanged.delete(wake);
      };

      // Driver adapters: the REST routes, the FreeDrinksService the coffee shops ask (here, and over RPC from
      // other processes), and the completed purchases that stamp the cards.
      registerLoyaltyRoutes(http, {
        queries,
        watch,
        ...(options.liveHeartbeatMs !== undefined && { heartbeatMs: options.liveHeartbeatMs }),
      });
      services.provide(FREE_DRINKS_SERVICE, freeDrinksService(commands));
      registerFreeDrinksRpc(rpc, commands);
      const subscriptions = await subscribeGroups(broker, purchaseGroups(commands), {
        db,
        observer: options.onPurchaseHandled,
      });
      return stopsInTurn(subscriptions, follower);
    },
  };
}

export const loyaltyModule = createLoyaltyModule();
