import type { FastifyError } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorHandler, problem, sendProblem } from './problem.js';
import type { HttpServer } from './server.js';

/** An error a handler throws when a module it asks cannot answer now, and the problem code it is answered with. */
export type Unavailable = readonly [error: abstract new (...args: never[]) => Error, code: string];

/**
 * Registers routes in a scope of their own, whose handlers may throw these errors when a module they ask
 * cannot answer now: each is a 503 problem with its code (a retry may succeed), without a new DomainError
 * kind; every other error is answered as everywhere. The routes stay in the one OpenAPI document.
 */
export function whenUnavailable(
  http: HttpServer,
  unavailable: readonly Unavailable[],
  register: (scope: HttpServer) => void,
) {
  http.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>() as HttpServer;
    scope.setErrorHandler<FastifyError>((error, request, reply) => {
      const code = unavailable.find(([type]) => error instanceof type)?.[1];
      if (code === undefined) return errorHandler(error, request, reply);
      request.log.warn({ err: error }, 'a module this one asks is unavailable');
      return sendProblem(reply, problem(503, error.message, { code, instance: request.url }));
    });
    register(scope);
  });
}
