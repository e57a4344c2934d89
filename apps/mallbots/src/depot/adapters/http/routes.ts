import type { HttpServer } from '@tessera/platform/http';
import type { DepotQueries } from '../../application/queries.js';
import {
  idParams,
  listQuery,
  problems,
  shoppingListResponse,
  shoppingListsResponse,
  tags,
  toShoppingListDto,
} from './schemas.js';

/**
 * The REST routes of Depot under /api/depot: reading shopping lists. They are made, initiated and canceled by
 * the create-order saga's commands; assigning and completing come with the bots.
 */
export function registerDepotRoutes(http: HttpServer, { queries }: { queries: DepotQueries }) {
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
}
