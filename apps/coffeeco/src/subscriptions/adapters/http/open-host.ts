import {
  type HttpServer,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problem,
  problemResponse,
} from '@tessera/platform/http';
import { serviceRole } from '@tessera/platform/identity';
import { z } from 'zod';
import type { Ctx } from '../../application/ctx.js';
import type { UserHandler } from '../../application/user-handler.js';
import type { UserActiveResponse } from '../../contract/openapi.gen.js';
import { subscriptionsRoles } from '../../contract/roles.js';

/** What the route function answers: the book's handler writes these to its ResponseWriter. */
export interface RouteAnswer {
  readonly status: 200 | 400 | 500;
  readonly contentType: string;
  readonly body: string;
  /** Why it failed, for the log (never for the caller). */
  readonly cause?: unknown;
}

/** How the answer becomes its JSON (the book's json.Marshal, which may fail). */
export type Serialise = (answer: UserActiveResponse) => string;

const problemAnswer = (status: 400 | 500, body: Problem, cause?: unknown): RouteAnswer => ({
  status,
  contentType: PROBLEM_CONTENT_TYPE,
  body: JSON.stringify(body),
  ...(cause !== undefined && { cause }),
});

/**
 * The open host's route function (OHS-1, the book's `GET /user/{userID}/payment/active` handler), callable on
 * its own as the book's is: an empty user ID is a 400, an answer that cannot be serialised a 500, and anything
 * else 200 with `{"IsActive": bool}` (the book's struct has no JSON tag, so the key is `IsActive`).
 */
export function isUserSubscriptionActiveRoute(handler: UserHandler, serialise: Serialise = JSON.stringify) {
  return async (ctx: Ctx, userID: string): Promise<RouteAnswer> => {
    if (userID.trim() === '') {
      return problemAnswer(
        400,
        problem(400, 'params.userID: a user ID is required', {
          code: 'user_id_required',
          errors: [{ field: 'params.userID', message: 'a user ID is required' }],
        }),
      );
    }
    const answer: UserActiveResponse = { IsActive: await handler.IsUserSubscriptionActive(ctx, userID) };
    try {
      return { status: 200, contentType: 'application/json', body: serialise(answer) };
    } catch (cause) {
      return problemAnswer(500, problem(500, 'the answer could not be serialised'), cause);
    }
  };
}

const userActiveResponse = z
  .object({ IsActive: z.boolean() })
  .meta({ id: 'UserActiveResponse' }) satisfies z.ZodType<UserActiveResponse>;

/** Who other systems are to us: the book's "// check auth, etc", decided. */
export const openHostAudience = { roles: [serviceRole, subscriptionsRoles.marketer] };

/** The request's context for the application: who asks, in the values the book's ctx carries. */
export const ctxOf = (request: { principal?: unknown }): Ctx => ({
  values: new Map([['principal', request.principal]]),
});

/**
 * The route function served at `/api/subscriptions/user/:userID/payment/active` (under CoffeeCo's prefix), for
 * other services (their service token) and marketers: not anyone, because whether someone pays is personal
 * data, and not the customer, who reads their own subscription instead.
 */
export function registerOpenHostRoute(
  http: HttpServer,
  handler: UserHandler,
  options: { serialise?: Serialise } = {},
) {
  const route = isUserSubscriptionActiveRoute(handler, options.serialise);
  http.route({
    method: 'GET',
    url: '/api/subscriptions/user/:userID/payment/active',
    config: { audience: openHostAudience },
    schema: {
      tags: ['subscriptions'],
      operationId: 'isUserSubscriptionActive',
      summary: 'Whether a user’s subscription is active (the open host service)',
      description:
        'True for a customer who selected a subscription and has not churned; false for anyone else, a user ID ' +
        'nobody has included. Published in contract/openapi.yaml.',
      params: z.object({ userID: z.string().max(200).describe('The user ID the customer is known by') }),
      response: {
        200: userActiveResponse,
        400: problemResponse('bad request: the user ID is empty'),
        401: problemResponse('No credential, or one that is not good (expired, revoked, forged)'),
        403: problemResponse('The caller is neither another service nor a marketer'),
        500: problemResponse('The answer could not be made (serialised)'),
      },
    },
    handler: async (request, reply) => {
      const answer = await route(ctxOf(request), request.params.userID);
      if (answer.cause !== undefined) {
        request.log.error({ err: answer.cause }, 'the open host could not serialise its answer');
      }
      // The body is JSON text already (the route function serialised it): Fastify sends a string as it is, and
      // its typing, which expects the object the schema describes, is told so.
      return reply
        .status(answer.status)
        .type(answer.contentType)
        .send(answer.body as never);
    },
  });
}
