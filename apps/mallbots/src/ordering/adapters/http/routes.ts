import type { HttpServer } from '@tessera/platform/http';
import type { OrderingCommands } from '../../application/commands.js';
import type { OrderingQueries } from '../../application/queries.js';
import {
  idParams,
  noContent,
  orderResponse,
  problems,
  staffCancelBody,
  tags,
  toOrderDto,
} from './schemas.js';

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
        summary:
          'The customer cancels an order that is pending or approved (not once it is ready): its shopping list is canceled, its bot recalled, its payment voided',
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
      await commands.cancelOrder({ ...request.params, by: 'customer' });
      return reply.status(204).send();
    },
  );

  http.post(
    '/api/ordering/:id/staff-cancel',
    {
      schema: {
        tags,
        operationId: 'staffCancelOrder',
        summary:
          'The depot staff cancel an order that is pending, approved or ready (never picked up), with a reason',
        params: idParams,
        body: staffCancelBody,
        response: {
          204: noContent('The order is canceled'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
          413: problems.tooLarge,
        },
      },
    },
    async (request, reply) => {
      await commands.cancelOrder({ ...request.params, by: 'staff', reason: request.body.reason });
      return reply.status(204).send();
    },
  );
}
