import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '../http/problem.js';
import { type Audience, admits, roleNames } from './audience.js';
import type { Principal } from './principal.js';
import { InvalidTokenError, type TokenVerifier } from './verifier.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (identity/audience.ts). Every route declares one: the server refuses to start otherwise. */
    audience?: Audience;
  }
  interface FastifyRequest {
    /** Who is calling, once authenticated; undefined for an anonymous caller. */
    principal?: Principal;
    /** True when the caller sees only their own on this route (a customer): lists show only theirs. */
    ownOnly: boolean;
  }
}

/** The cookies of a web session: the access token (HttpOnly) and the CSRF token pages echo in a header. */
export const SESSION_COOKIE = 'tessera_session';
export const CSRF_COOKIE = 'tessera_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthenticationOptions {
  readonly verifier: TokenVerifier;
  /** Routes the platform and its plugins add without a declaration (the docs' assets): their audience. */
  readonly undeclared?: (url: string) => Audience | undefined;
  /**
   * Runs before a refusal (the rate limiter): a request refused here never reaches the route's own hooks, and
   * a caller trying credentials must spend a budget like any other. It may answer instead (429).
   */
  readonly beforeRefusal?: (
    this: FastifyInstance,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => Promise<unknown>;
}

/**
 * Every request is authenticated from its bearer token, or its session cookie (then an unsafe method must echo
 * the session's CSRF token), and checked against its route's audience: 401 without a good credential, 403
 * without an admitting role or for another's resource. A route added without an audience stops the server
 * from starting, so that no route is reachable by accident.
 */
export function installAuthentication(app: FastifyInstance, options: AuthenticationOptions) {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('ownOnly', false);
  app.addHook('onRoute', (route) => {
    const declared = route.config?.audience ?? options.undeclared?.(route.url);
    if (declared === undefined) {
      throw new Error(`the route ${String(route.method)} ${route.url} declares no audience`);
    }
    route.config = { ...route.config, audience: declared };
    if (declared !== 'anyone') {
      if (declared.roles.some((role) => role.own) && !declared.owner) {
        throw new Error(
          `the route ${String(route.method)} ${route.url} admits a role that sees only its own, and says not whose`,
        );
      }
      route.schema = {
        ...route.schema,
        security: [{ bearer: roleNames(declared) }, { session: roleNames(declared) }],
      };
    }
  });

  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: 401 | 403,
    detail: string,
    code: string,
  ) => {
    await options.beforeRefusal?.call(app, request, reply);
    if (reply.sent) return reply;
    if (status === 401) {
      const error = code === 'invalid_token' ? 'invalid_token' : 'invalid_request';
      reply.header('www-authenticate', `Bearer error="${error}"`);
    }
    return sendProblem(reply, problem(status, detail, { code }));
  };

  app.addHook('onRequest', async (request, reply) => {
    const credential = credentialOf(request);
    if (credential) {
      try {
        request.principal = await options.verifier.verify(credential.token);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        // An expired session cookie leaves a page anonymous; a bad bearer token is the caller's error.
        if (credential.from === 'bearer') return refuse(request, reply, 401, error.message, 'invalid_token');
      }
      if (request.principal && credential.from === 'cookie' && !SAFE_METHODS.has(request.method)) {
        const echoed = request.headers[CSRF_HEADER];
        const expected = request.principal.csrf;
        if (typeof echoed !== 'string' || expected === undefined || echoed !== expected) {
          return refuse(
            request,
            reply,
            403,
            `a session's changes must echo its CSRF token in ${CSRF_HEADER}`,
            'csrf',
          );
        }
      }
    }
    const audience = request.routeOptions.config?.audience;
    if (audience === undefined) return; // no route matched: the 404 handler answers
    const { access, ownOnly } = admits(audience, request.principal);
    if (access === 'unauthenticated')
      return refuse(request, reply, 401, 'this route needs a credential', 'unauthenticated');
    if (access === 'forbidden')
      return refuse(request, reply, 403, 'your roles do not admit this route', 'forbidden');
    request.ownOnly = ownOnly;
  });

  // After validation, so that an owner can be found from the parsed params and body.
  app.addHook('preHandler', async (request, reply) => {
    const audience = request.routeOptions.config?.audience;
    if (!request.ownOnly || audience === undefined || audience === 'anyone') return;
    if (typeof audience.owner !== 'function') return; // the handler shows only the caller's own
    const owner = await audience.owner(request);
    if (owner !== undefined && owner !== request.principal?.subject) {
      return refuse(request, reply, 403, 'this belongs to someone else', 'not_yours');
    }
  });
}

function credentialOf(request: FastifyRequest): { from: 'bearer' | 'cookie'; token: string } | undefined {
  const header = request.headers.authorization;
  // Other schemes (Basic at the token endpoint) are for the route to read.
  if (typeof header === 'string' && /^Bearer(\s|$)/i.test(header)) {
    const match = /^Bearer\s+([\w.~+/-]+=*)\s*$/i.exec(header);
    return { from: 'bearer', token: match?.[1] ?? '' };
  }
  const cookies = (request as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies;
  const session = cookies?.[SESSION_COOKIE];
  return session ? { from: 'cookie', token: session } : undefined;
}
