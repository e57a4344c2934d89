import { type HttpServer, liveRoutes } from '@tessera/platform/http';
import { only } from '@tessera/platform/identity';
import type { ChangePositions } from '@tessera/platform/sql';
import type { DepotQueries } from '../../application/queries.js';
import { depotRoles } from '../../contract/roles.js';
import { botEvent, problems, shoppingListEvent, tags, toBotDto, toShoppingListDto } from './schemas.js';

export interface DepotLiveOptions {
  /** The depot's change positions: what wakes the streams, and where "now" is. */
  positions: Pick<ChangePositions, 'watch' | 'current'>;
  /** How often an idle stream sends a comment line (tests shorten it). */
  heartbeatMs?: number;
}

/**
 * The depot live (ADR 0040): the fleet's bots and the shopping lists as they change, for the depot's staff.
 * Each event is a bot or a list as it is now, its id the change position it took; a client resuming with
 * Last-Event-ID gets every bot or list changed since, in order, none twice.
 */
export function registerDepotLiveRoutes(
  http: HttpServer,
  { queries, positions, heartbeatMs }: { queries: DepotQueries } & DepotLiveOptions,
) {
  const live = liveRoutes(http, {
    tags,
    problems: { badRequest: problems.badRequest },
    watch: positions.watch,
    ...(heartbeatMs !== undefined && { heartbeatMs }),
  });
  const staff = only(depotRoles.depotStaff);

  live.get('/api/depot/bots/live', 'followBots', {
    audience: staff,
    summary: 'The fleet as it changes: each bot, with its status and the list it holds, when it changes',
    description:
      'Without a last event id, every bot as it is now comes first (the fleet is small), then each change.',
    events: { bot: botEvent },
    feed: async () => ({
      start: async () => 0,
      changes: async (after, limit) =>
        (await queries.botChanges(after, limit)).map((bot) => ({
          position: bot.position,
          event: 'bot',
          data: toBotDto(bot),
        })),
    }),
  });

  live.get('/api/depot/shopping/live', 'followShoppingLists', {
    audience: staff,
    summary: 'Shopping lists as they change: each list, with its status, stops and item outcomes',
    description:
      'Every list that changes, whatever its status (a list leaving the one a page shows tells it so). ' +
      'Without a last event id, the changes from now on: read the lists first (GET /api/depot/shopping) and ' +
      "pass the smallest of their answers' positions as lastEventId to miss nothing in between.",
    events: { shoppingList: shoppingListEvent },
    feed: async () => ({
      start: () => positions.current(),
      changes: async (after, limit) =>
        (await queries.shoppingListChanges(after, limit)).map((list) => ({
          position: list.position,
          event: 'shoppingList',
          data: toShoppingListDto(list),
        })),
    }),
  });
}
