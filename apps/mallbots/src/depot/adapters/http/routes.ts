import type { HttpServer } from '@tessera/platform/http';
import type { DepotCommands } from '../../application/commands.js';
import type { DepotQueries } from '../../application/queries.js';
import {
  assignBody,
  botIdParams,
  botResponse,
  botsResponse,
  idParams,
  listQuery,
  noContent,
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
  }: { commands: Pick<DepotCommands, 'assignShoppingList' | 'completeShoppingList'>; queries: DepotQueries },
) {
  http.get(
    '/api/depot/shopping',
    {
      schema: {
        tags,
        operationId: 'listShoppingLists',
        summary:
          'List shopping lists in a status, oldest first (the next one for a bot is the first available)',
        querystring: listQuery,
        response: { 200: shoppingListsResponse, 400: problems.badRequest },
      },
    },
    async (request) => ({
      shoppingLists: (await queries.listShoppingLists(request.query)).map(toShoppingListDto),
    }),
  );

  http.get(
    '/api/depot/shopping/:id',
    {
      schema: {
        tags,
        operationId: 'getShoppingList',
        summary: 'Get a shopping list with its stops, items and status',
        params: idParams,
        response: { 200: shoppingListResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({
      shoppingList: toShoppingListDto(await queries.getShoppingList(request.params)),
    }),
  );

  http.put(
    '/api/depot/shopping/:id/assign',
    {
      schema: {
        tags,
        operationId: 'assignShoppingList',
        summary: 'Assign an available shopping list to a bot (again to the same bot changes nothing)',
        params: idParams,
        body: assignBody,
        response: {
          204: noContent('The list is assigned'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
          413: problems.tooLarge,
        },
      },
    },
    async (request, reply) => {
      await commands.assignShoppingList({ ...request.params, ...request.body });
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/depot/shopping/:id/complete',
    {
      schema: {
        tags,
        operationId: 'completeShoppingList',
        summary: 'Complete an assigned shopping list: its order becomes ready (again changes nothing)',
        params: idParams,
        response: {
          204: noContent('The list is completed'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      await commands.completeShoppingList(request.params);
      return reply.status(204).send();
    },
  );

  http.get(
    '/api/depot/bots',
    {
      schema: {
        tags,
        operationId: 'listBots',
        summary: 'List the fleet’s bots with their status and the list each holds',
        response: { 200: botsResponse },
      },
    },
    async () => ({ bots: (await queries.listBots()).map(toBotDto) }),
  );

  http.get(
    '/api/depot/bots/:id',
    {
      schema: {
        tags,
        operationId: 'getBot',
        summary: 'Get a bot with its status and the list it holds',
        params: botIdParams,
        response: { 200: botResponse, 400: problems.badRequest, 404: problems.botNotFound },
      },
    },
    async (request) => ({ bot: toBotDto(await queries.getBot(request.params)) }),
  );
}
