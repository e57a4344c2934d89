import { errorHandler, type HttpServer, problem, sendProblem } from '@tessera/platform/http';
import type { FastifyError } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BasketsCommands } from '../../application/commands.js';
import { StoresUnavailableError } from '../../application/ports.js';
import type { BasketsQueries } from '../../application/queries.js';
import {
  basketResponse,
  checkoutBody,
  created,
  idParams,
  itemBody,
  noContent,
  problems,
  startBasketBody,
  tags,
  toBasketDto,
} from './schemas.js';

const commandResponses = (done: string, withBody: boolean) => ({
  204: noContent(done),
  400: problems.badRequest,
  404: problems.notFound,
  409: problems.conflict,
  ...(withBody ? { 413: problems.tooLarge } : {}),
});

/** Every REST route of Shopping Baskets under /api/baskets (spec §3.2). */
export function registerBasketsRoutes(
  http: HttpServer,
  { commands, queries }: { commands: BasketsCommands; queries: BasketsQueries },
) {
  // An encapsulated scope: its error handler adds one mapping (Stores unavailable → 503) to the platform's,
  // without a new DomainError kind. The routes stay in the one OpenAPI document.
  http.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.setErrorHandler<FastifyError>((error, request, reply) => {
      if (error instanceof StoresUnavailableError) {
        request.log.warn({ err: error }, 'Stores unavailable');
        return sendProblem(
          reply,
          problem(503, error.message, { code: 'stores_unavailable', instance: request.url }),
        );
      }
      return errorHandler(error, request, reply);
    });

    scope.post(
      '/api/baskets',
      {
        schema: {
          tags,
          operationId: 'startBasket',
          summary: 'Start a basket for a customer',
          body: startBasketBody,
          response: { 201: created, 400: problems.badRequest, 413: problems.tooLarge },
        },
      },
      async (request, reply) => {
        const { id } = await commands.startBasket(request.body);
        return reply.status(201).header('location', `/api/baskets/${id}`).send({ id });
      },
    );

    scope.get(
      '/api/baskets/:id',
      {
        schema: {
          tags,
          operationId: 'getBasket',
          summary: 'Get a basket: its items, status and total',
          params: idParams,
          response: { 200: basketResponse, 400: problems.badRequest, 404: problems.notFound },
        },
      },
      async (request) => ({ basket: toBasketDto(await queries.getBasket(request.params)) }),
    );

    scope.put(
      '/api/baskets/:id/addItem',
      {
        schema: {
          tags,
          operationId: 'addItem',
          summary: 'Add a quantity of a product to an open basket',
          params: idParams,
          body: itemBody,
          response: { ...commandResponses('The item is in the basket', true), 503: problems.unavailable },
        },
      },
      async (request, reply) => {
        await commands.addItem({ ...request.params, ...request.body });
        return reply.status(204).send();
      },
    );

    scope.put(
      '/api/baskets/:id/removeItem',
      {
        schema: {
          tags,
          operationId: 'removeItem',
          summary: 'Take a quantity of a product out of an open basket (all of it, at most)',
          params: idParams,
          body: itemBody,
          response: commandResponses('The quantity is out of the basket (or was never in it)', true),
        },
      },
      async (request, reply) => {
        await commands.removeItem({ ...request.params, ...request.body });
        return reply.status(204).send();
      },
    );

    scope.put(
      '/api/baskets/:id/checkout',
      {
        schema: {
          tags,
          operationId: 'checkoutBasket',
          summary: 'Check out an open basket with an authorized payment',
          params: idParams,
          body: checkoutBody,
          response: commandResponses('The basket is checked out; the order follows', true),
        },
      },
      async (request, reply) => {
        await commands.checkoutBasket({ ...request.params, ...request.body });
        return reply.status(204).send();
      },
    );

    scope.delete(
      '/api/baskets/:id',
      {
        schema: {
          tags,
          operationId: 'cancelBasket',
          summary: 'Cancel an open basket',
          params: idParams,
          response: commandResponses('The basket is canceled and emptied', false),
        },
      },
      async (request, reply) => {
        await commands.cancelBasket(request.params);
        return reply.status(204).send();
      },
    );
  });
}
