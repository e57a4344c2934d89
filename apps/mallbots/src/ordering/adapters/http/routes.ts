import type { HttpServer } from '@tessera/platform/http';
import type { OrderingCommands } from '../../application/commands.js';
import type { OrderingQueries } from '../../application/queries.js';
import { idParams, noContent, orderResponse, problems, tags, toOrderDto } from './schemas.js';

/**
 * Every REST route of Order Processing under /api/ordering (spec §3.5). There is no route that creates an
 * order: orders come only from checked-out baskets. Approval and rejection are the saga's commands.
 */
export function registerOrderingRoutes(
  http: HttpServer,
  { commands, queries }: { commands: OrderingCommands; queries: OrderingQueries },
) {
  http.get(
    '/api/ordering/:id',
    {
      schema: {
        tags,
        operationId: 'getOrder',
        summary: 'Get an order: its status, items and total',
        params: idParams,
        response: { 200: orderResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  );

  http.delete(
    '/api/ordering/:id',
    {
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel an order that is pending or approved (not once it is ready)',
        params: idParams,
        response: {
          204: noContent('The order is canceled'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      await commands.cancelOrder(request.params);
      return reply.status(204).send();
    },
  );
}
