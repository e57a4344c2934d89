import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

export interface RateLimitOptions {
  /** Requests one client may make per window; the next is answered 429 until the window ends. */
  max: number;
  windowMs: number;
}

/** What authentication leaves on a request, declared loosely: its onRequest hook is not this file's. */
type MaybeAuthenticated = { principal?: { subject?: unknown } | null };

/**
 * Whose budget a request spends: the authenticated caller's, wherever it calls from, else its address's (an
 * IPv6 address's /64, which one client usually holds whole). The prefixes keep a subject that looks like an
 * address from sharing that address's budget.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const subject = (request as unknown as MaybeAuthenticated).principal?.subject;
  return typeof subject === 'string' && subject !== ''
    ? `caller:${subject}`
    : `address:${normalizeIP(request.ip)}`;
}

/** Thrown over the limit: the error handler makes it a 429 problem with this code. */
class RateLimited extends Error {
  readonly statusCode = 429;
  readonly code = 'rate_limited';
}

/**
 * Limits every route of `app` added after this, but those whose config says `rateLimit: false` (health and
 * metrics: their scrapers call often from one address). Counted in a preHandler, so after any onRequest
 * authentication has named the caller. The counts are this process's (in memory): N replicas let a client N
 * times the limit. Returns the limiter for what routes do not reach, the not-found handler.
 */
export async function installRateLimit(
  app: FastifyInstance,
  options: RateLimitOptions,
): Promise<preHandlerAsyncHookHandler> {
  await app.register(rateLimit, {
    max: options.max,
    timeWindow: options.windowMs,
    hook: 'preHandler',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      new RateLimited(
        `more than ${context.max} requests in ${options.windowMs / 1000} s; retry in ${context.after}`,
      ),
  });
  return app.rateLimit();
}
