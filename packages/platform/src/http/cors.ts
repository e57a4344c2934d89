import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** What a page may read of an answer besides the CORS-safelisted headers. */
const EXPOSED_HEADERS = [
  'location',
  'retry-after',
  'idempotent-replayed',
  'x-correlation-id',
  'traceparent',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

/**
 * Lets pages of these origins (`https://kiosk.example.com`: scheme, host and port) call `app` from a browser.
 * Preflights are answered in an onRequest hook, so register it before any authentication hook (a preflight
 * carries no credentials); the rate limit never sees them. Every other answer to those origins, errors
 * included, says they may read it. Any other origin gets no CORS header, so the browser keeps its page out.
 * No origins: nothing is registered, and the server is same-origin only. Credentials (cookies) are not
 * allowed: callers authenticate with a header.
 */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // The headers a preflight asks for are allowed (Authorization, Idempotency-Key…): the origin is the gate.
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
