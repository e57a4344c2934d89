import { errorHandler, type HttpServer, PROBLEM_CONTENT_TYPE, problem } from '@tessera/platform/http';
import type { FastifyError } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PaymentFailed, PaymentPending } from '../../domain/purchase-service.js';

/**
 * Registers routes in a scope whose payment outcomes have their own answers: a refused payment (a declined
 * card, not enough CoffeeBux) is a 402 problem with the refusal's code, the purchase failed; a payment whose
 * outcome is not known yet is a 503 with Retry-After, the purchase pending (the same request again resumes it).
 * Everything else is answered as everywhere.
 */
export function withPaymentProblems(http: HttpServer, register: (scope: HttpServer) => void) {
  http.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>() as HttpServer;
    scope.setErrorHandler<FastifyError>((error, request, reply) => {
      if (error instanceof PaymentFailed) {
        return reply
          .status(402)
          .type(PROBLEM_CONTENT_TYPE)
          .send(
            problem(402, error.message, {
              title: 'Payment Required',
              code: error.code,
              instance: request.url,
            }),
          );
      }
      if (error instanceof PaymentPending) {
        request.log.warn({ err: error }, 'a payment has no outcome yet: the purchase stays pending');
        const code = error.means === 'card' ? 'card_provider_unavailable' : 'loyalty_unavailable';
        return reply
          .status(503)
          .header('retry-after', '1')
          .type(PROBLEM_CONTENT_TYPE)
          .send(problem(503, error.message, { code, instance: request.url }));
      }
      return errorHandler(error, request, reply);
    });
    register(scope);
  });
}
