import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUnstorableText } from '../sql/storable-text.js';
import { problem, sendProblem } from './problem.js';

/** Each part of a request's input, by the name validation errors give it (`params.id`, `querystring.x`). */
const PARTS = [
  ['params', (request: FastifyRequest) => request.params],
  ['querystring', (request: FastifyRequest) => request.query],
  ['body', (request: FastifyRequest) => request.body],
] as const;

/**
 * A preValidation hook for every route: text that storage cannot hold (a NUL, a lone surrogate) is a 400
 * naming the field, before any schema or handler sees it. Without it, such text passes every schema, then
 * PostgreSQL refuses it (a 500), or worse, a json column takes it and a message carries it to a handler that
 * can never store it (ADR 0023).
 */
export async function refuseUnstorableText(request: FastifyRequest, reply: FastifyReply) {
  for (const [where, input] of PARTS) {
    const found = findUnstorableText(input(request), [where]);
    if (found) {
      const field = found.path.join('.');
      return sendProblem(
        reply,
        problem(400, `${field}: ${found.message}`, {
          code: 'invalid_request',
          instance: request.url,
          errors: [{ field, message: found.message }],
        }),
      );
    }
  }
}
