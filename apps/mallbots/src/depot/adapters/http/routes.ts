import { mapPage } from '@tessera/platform/ddd';
import { type HttpServer, ownerFrom, pageAnswer, restRoutes } from '@tessera/platform/http';
import type { ChangePositions } from '@tessera/platform/sql';
import type { DepotCommands } from '../../application/commands.js';
import type { DepotQueries } from '../../application/queries.js';
import { depotRoles } from '../../contract/roles.js';
import {
  assignBody,
  botIdParams,
  botNotFound,
  botResponse,
  botsQuery,
  botsResponse,
  byIdPage,
  idParams,
  listQuery,
  oldestFirstPage,
  problems,
  shoppingListResponse,
  shoppingListsResponse,
  tags,
  toBotDto,
  toShoppingListDto,
} from './schemas.js';

/**
 * The REST routes of Depot under /api/depot: reading shopping lists and the fleet's bots, and assigning and
 * completing lists by hand (the depot's operators, for runners outside the fleet). Lists are made, initiated
 * and canceled by the saga's commands; the bots take and complete them through their own API.
 */
export function registerDepotRoutes(
  http: HttpServer,
  {
    commands,
    queries,
    positions,
  }: {
    commands: Pick<DepotCommands, 'assignShoppingList' | 'completeShoppingList'>;
    queries: DepotQueries;
    /** Where each answer is in the depot's changes, read in its snapshot: the live routes resume from it. */
    positions: Pick<ChangePositions, 'atPosition'>;
  },
) {
  const rest = restRoutes(http, { tags, problems });
  const { depotStaff, robot } = depotRoles;
  // Robots see the depot's lists and bots (they pick the next list from them) but act only as themselves.
  const depot = { roles: [depotStaff, robot], owner: 'listed by the handler' } as const;
  rest.get('/api/depot/shopping', 'listShoppingLists', {
    audience: depot,
    summary: 'List shopping lists in a status, oldest first (the next one for a bot is the first available)',
    querystring: listQuery,
    ok: shoppingListsResponse,
    handler: async ({ query }) => {
      const { value, position } = await positions.atPosition(() =>
        queries.listShoppingLists(query, oldestFirstPage(query)),
      );
      return { ...pageAnswer('shoppingLists', mapPage(value, toShoppingListDto)), position };
    },
  });

  rest.get('/api/depot/shopping/:id', 'getShoppingList', {
    audience: depot,
    summary: 'Get a shopping list with its stops, items and status',
    params: idParams,
    ok: shoppingListResponse,
    handler: async (request) => ({
      shoppingList: toShoppingListDto(await queries.getShoppingList(request.params)),
    }),
  });

  rest.put('/api/depot/shopping/:id/assign', 'assignShoppingList', {
    audience: { roles: [depotStaff, robot], owner: async (request) => request.body.botId },
    summary: 'Assign an available shopping list to a bot (again to the same bot changes nothing)',
    params: idParams,
    body: assignBody,
    noContent: 'The list is assigned',
    handler: (request) => commands.assignShoppingList({ ...request.params, ...request.body }),
  });

  rest.put('/api/depot/shopping/:id/complete', 'completeShoppingList', {
    audience: {
      roles: [depotStaff, robot],
      owner: ownerFrom(
        async (request: { params: { id: string } }) =>
          (await queries.getShoppingList(request.params)).assignedBotId ?? '',
      ),
    },
    summary: 'Complete an assigned shopping list: its order becomes ready (again changes nothing)',
    params: idParams,
    noContent: 'The list is completed',
    handler: (request) => commands.completeShoppingList(request.params),
  });

  rest.get('/api/depot/bots', 'listBots', {
    audience: depot,
    summary: 'List the fleet’s bots by id, with their status and the list each holds, a page at a time',
    querystring: botsQuery,
    ok: botsResponse,
    handler: async ({ query }) => {
      const { value, position } = await positions.atPosition(() => queries.listBots(byIdPage(query)));
      return { ...pageAnswer('bots', mapPage(value, toBotDto)), position };
    },
  });

  rest.get('/api/depot/bots/:id', 'getBot', {
    audience: depot,
    summary: 'Get a bot with its status and the list it holds',
    params: botIdParams,
    ok: botResponse,
    problems: { 404: botNotFound },
    handler: async (request) => ({ bot: toBotDto(await queries.getBot(request.params)) }),
  });
}
