import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isDomainError } from '../ddd/index.js';
import type { Audience, Role } from '../identity/audience.js';
import { problemResponse } from './problem.js';
import type { HttpServer } from './server.js';

type ProblemResponse = ReturnType<typeof problemResponse>;
type Schema = z.ZodType;

/** What the route takes: each part that is given is validated, and typed in the handler's request. */
interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  params?: P;
  querystring?: Q;
  body?: B;
}

/** The handler's request: Fastify's, with the params, query and body its schemas give. */
export type RouteRequest<P extends Schema, Q extends Schema, B extends Schema> = FastifyRequest<{
  Params: z.output<P>;
  Querystring: z.output<Q>;
  Body: z.output<B>;
}>;

/**
 * Who may call the route (ADR 0023): `'anyone'`, or the roles admitted; for a role that sees only its own,
 * `owner` finds whose the resource asked for is (from the validated request), or `'listed by the handler'`
 * when the handler shows only the caller's own (`request.ownOnly`, `request.principal`).
 */
export type RouteAudience<Request> =
  | 'anyone'
  | {
      readonly roles: readonly Role[];
      readonly owner?: ((request: Request) => Promise<string | undefined>) | 'listed by the handler';
    };

interface Operation<Request> {
  audience: RouteAudience<Request>;
  /** The route checks or sets a password: the tighter rate limit of such routes (RATE_LIMIT_CREDENTIALS). */
  credentials?: true;
  /**
   * `false`: no Idempotency-Key support (the header is ignored), for a handler that must commit in steps of its
   * own rather than in one transaction, e.g. one that records a payment as pending before it pays.
   */
  idempotency?: false;
  summary: string;
  description?: string;
  /**
   * Problems this route may answer besides those of its kind (see `RestRoutesOptions.problems`), or answers
   * that differ from them, e.g. `{ 404: problemResponse('No invoice with that ID') }`.
   */
  problems?: Record<number, ProblemResponse>;
}

/** 200 with the body the handler returns, validated by `ok`. */
interface Answers<R extends Schema, Request> {
  ok: R;
  handler: (request: Request) => Promise<z.input<R>>;
}
/** 201 with `{ id }` and a Location header: `created` says what happened, e.g. 'Registered'. */
interface Creates<Request> {
  created: string;
  /** Where the new resource is; by default the route's path followed by the id. */
  location?: (id: string) => string;
  handler: (request: Request) => Promise<{ id: string }>;
}
/** 204 once the handler is done: `noContent` says what is then true, e.g. 'The store has its new name'. */
interface Acts<Request> {
  noContent: string;
  handler: (request: Request) => Promise<unknown>;
}

export type RouteDeclaration<
  P extends Schema,
  Q extends Schema,
  B extends Schema,
  R extends Schema,
> = RouteInput<P, Q, B> &
  Operation<RouteRequest<P, Q, B>> &
  (Answers<R, RouteRequest<P, Q, B>> | Creates<RouteRequest<P, Q, B>> | Acts<RouteRequest<P, Q, B>>);

export interface RestRoutesOptions {
  /** The OpenAPI tags of every route, usually the module's name. */
  tags: string[];
  /**
   * How the module describes the problems its routes give by kind: `badRequest` (400) for any route with
   * input, `notFound` (404) for any route with path parameters, `conflict` (409: the state does not allow the
   * change, or it changed concurrently) for any route answering 204. Without `notFound` or `conflict`, no
   * route has it unless it says so; every route with a body has 413.
   */
  problems?: { badRequest?: string; notFound?: string; conflict?: string };
}

type Declare = <
  P extends Schema = z.ZodUnknown,
  Q extends Schema = z.ZodUnknown,
  B extends Schema = z.ZodUnknown,
  R extends Schema = z.ZodUnknown,
>(
  path: string,
  operationId: string,
  route: RouteDeclaration<P, Q, B, R>,
) => void;

export interface RestRoutes {
  get: Declare;
  post: Declare;
  put: Declare;
  delete: Declare;
}

const DEFAULT_BAD_REQUEST = 'The request is invalid, or the change breaks a rule (see code and errors)';
const tooLarge = problemResponse('The request body is larger than the server accepts');
const unauthenticated = problemResponse('No credential, or one that is not good (expired, revoked, forged)');
const forbidden = problemResponse("The caller's roles do not admit this route, or the resource is another's");
/** The problems of a route that not anyone may call (401, 403), for routes declared outside `restRoutes`. */
export const accessProblems = { 401: unauthenticated, 403: forbidden };

/**
 * A module's REST routes, each declared as what it is: its method, path and operation, its input schemas,
 * what it answers on success (`ok`, `created` or `noContent`) and the problems it may give. The OpenAPI
 * document gets the module's tags, the success answer, and the problems every route of that kind has.
 */
export function restRoutes(http: HttpServer, options: RestRoutesOptions): RestRoutes {
  const described = options.problems ?? {};
  const badRequest = problemResponse(described.badRequest ?? DEFAULT_BAD_REQUEST);
  const notFound = described.notFound === undefined ? undefined : problemResponse(described.notFound);
  const conflict = described.conflict === undefined ? undefined : problemResponse(described.conflict);
  const declare =
    (method: 'GET' | 'POST' | 'PUT' | 'DELETE'): Declare =>
    (path, operationId, route) => {
      const { params, querystring, body } = route;
      const input = { ...(params && { params }), ...(querystring && { querystring }), ...(body && { body }) };
      const { status, schema, handler } = success(http.prefix, path, route as SuccessOf);
      const audience = audienceOf(route.audience as RouteAudience<FastifyRequest>);
      http.route({
        method,
        url: path,
        config: {
          audience,
          ...(route.credentials && { credentials: true }),
          ...(route.idempotency === false && { idempotency: false }),
        },
        schema: {
          tags: options.tags,
          operationId,
          summary: route.summary,
          ...(route.description && { description: route.description }),
          ...input,
          response: {
            [status]: schema,
            ...(Object.keys(input).length > 0 && { 400: badRequest }),
            ...(params && notFound && { 404: notFound }),
            ...(status === 204 && conflict && { 409: conflict }),
            ...(body && { 413: tooLarge }),
            ...(audience !== 'anyone' && { 401: unauthenticated, 403: forbidden }),
            ...route.problems,
          },
        },
        handler,
      });
    };
  return { get: declare('GET'), post: declare('POST'), put: declare('PUT'), delete: declare('DELETE') };
}

/**
 * An owner found by a query: what does not exist has no owner, and the route then answers as for anyone
 * (usually 404), so that an owner check never turns "not found" into "forbidden".
 */
export const ownerFrom =
  <Request>(lookup: (request: Request) => Promise<string>) =>
  async (request: Request): Promise<string | undefined> => {
    try {
      return await lookup(request);
    } catch (error) {
      if (isDomainError(error) && error.kind === 'not_found') return undefined;
      throw error;
    }
  };

/** The server's form of a route's audience: a handler that lists only the caller's own needs no owner. */
export function audienceOf(declared: RouteAudience<FastifyRequest>): Audience {
  if (declared === 'anyone') return declared;
  const { roles, owner } = declared;
  if (owner === 'listed by the handler') return { roles, owner: async () => undefined };
  return owner ? { roles, owner } : { roles };
}

type SuccessOf = Answers<Schema, FastifyRequest> | Creates<FastifyRequest> | Acts<FastifyRequest>;

/** The success answer's status, its documented schema, and the handler that gives it. */
/** `prefix`: where the routes are mounted (an application's path prefix), which Location must include. */
function success(prefix: string, path: string, route: SuccessOf) {
  if ('ok' in route) {
    return { status: 200, schema: route.ok, handler: route.handler };
  }
  if ('created' in route) {
    const location = route.location ?? ((id: string) => `${path}/${id}`);
    return {
      status: 201,
      schema: z.object({ id: z.uuid() }).describe(`${route.created}; the Location header points at it`),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const { id } = await route.handler(request);
        return reply
          .status(201)
          .header('location', `${prefix}${location(id)}`)
          .send({ id });
      },
    };
  }
  return {
    status: 204,
    schema: z.undefined().describe(route.noContent),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      await route.handler(request);
      return reply.status(204).send();
    },
  };
}
