import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { problem, problemResponse, sendProblem } from './problem.js';

const CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const unsupportedMediaType = problemResponse(
  'The request has a body, or declares one, that is not application/json',
);
const crossSite = problemResponse('A browser sent the request from a page of another site');

/**
 * Refuses the requests a web page of another site can make a browser send without asking first (no CORS
 * preflight): cross-site request forgery of the routes that change something (ADR 0023).
 *
 * - Only JSON is parsed (`application/json`, or a type with the `+json` suffix). Fastify also parses text/plain by default, and text/plain, a form's urlencoded and
 *   multipart bodies are what a page can post anywhere: each is now a 415, on routes that take no body too
 *   (Fastify runs a parser for any declared content type, even of an empty body).
 * - What such a page sends with no body at all (`fetch(url, { method: 'POST', mode: 'no-cors' })`) declares no
 *   content type; the browser says where it comes from (`Sec-Fetch-Site`), and a change asked from another
 *   site is a 403. Clients that are not browsers (curl, other services) send no such header.
 */
export function refuseForgeableRequests(app: FastifyInstance) {
  app.removeContentTypeParser('text/plain');
  // JSON under a media type of its own (RFC 6839's `+json`, e.g. a versioned `application/vnd.x.v2+json`) is
  // JSON too, and, not being a type a form can send, needs a CORS preflight from another site like JSON does.
  app.addContentTypeParser(
    /^application\/[a-z0-9!#$&^_.-]+\+json\s*(;.*)?$/i,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onRequest', refuseCrossSite);
  app.addHook('onRoute', documentRefusals);
}

function refuseCrossSite(request: FastifyRequest, reply: FastifyReply, done: () => void) {
  if (CHANGING.has(request.method) && request.headers['sec-fetch-site'] === 'cross-site') {
    return sendProblem(
      reply,
      problem(403, 'a change cannot be asked from a page of another site', {
        code: 'cross_site_request',
        instance: request.url,
        errors: [{ field: 'headers.sec-fetch-site', message: 'cross-site' }],
      }),
    );
  }
  done();
}

/** Every route that changes something documents both refusals, with the problems it already has. */
function documentRefusals(route: RouteOptions) {
  if (![route.method].flat().some((method) => CHANGING.has(method))) return;
  const schema = route.schema as { response?: Record<string, unknown> } | undefined;
  if (!schema?.response) return;
  schema.response[403] ??= crossSite;
  schema.response[415] ??= unsupportedMediaType;
}
