import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route checks or sets a password (the token endpoint, a login, a registration): it gets the tighter
     * limit of `credentialsPerMinute`, as each call costs a memory-hard hash and may be a guess.
     */
    credentials?: boolean;
  }
}

export interface RateLimitOptions {
  /** Requests one client may make per window; the next is answered 429 until the window ends. */
  max: number;
  windowMs: number;
  /** Requests one client may make per minute to a route marked `credentials`. */
  credentialsPerMinute?: number;
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
  const { credentialsPerMinute } = options;
  // Before the plugin's own hook, which reads each route's limit as the route is added.
  app.addHook('onRoute', (route) => {
    if (route.config?.credentials && credentialsPerMinute !== undefined) {
      route.config = { ...route.config, rateLimit: { max: credentialsPerMinute, timeWindow: 60_000 } };
    }
  });
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
