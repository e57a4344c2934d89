import formBody from '@fastify/formbody';
import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alreadyExists, notFound, permissionDenied } from '../../ddd/index.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { HttpServer } from '../../http/server.js';
import { anyone, only, type Role, serviceRole } from '../audience.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../authentication.js';
import { isOperator, OPERATOR_ROLE, type Principal, SERVICE_ROLE } from '../principal.js';
import { type IdentityProvider, MAX_PASSWORD, type Tokens } from './provider.js';
import { registerStaffRoutes } from './staff-routes.js';

export const IDENTITY_TAG = {
  name: 'identity',
  description:
    'Identity: OpenID Connect discovery, tokens (password, client credentials, refresh), revocation, web sessions',
};
export const TOKEN_PATH = '/oauth/token';
export const REVOKE_PATH = '/oauth/revoke';
const REFRESH_COOKIE = 'tessera_refresh';

const text = (max: number) => z.string().min(1).max(max);
const tokenRequest = z.discriminatedUnion('grant_type', [
  z.object({
    grant_type: z.literal('password'),
    username: text(64),
    password: text(MAX_PASSWORD),
    scope: text(512).optional(),
    client_id: text(128).optional(),
  }),
  z.object({
    grant_type: z.literal('client_credentials'),
    client_id: text(128).optional(),
    client_secret: text(256).optional(),
    scope: text(512).optional(),
  }),
  z.object({
    grant_type: z.literal('refresh_token'),
    refresh_token: text(256),
    client_id: text(128).optional(),
    scope: text(512).optional(),
  }),
]);
const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string().optional(),
});
// RFC 6749 §5.2's error; a refused bearer token gets the access layer's problem document instead.
const oauthError = z
  .looseObject({ error: z.string().optional(), error_description: z.string().optional() })
  .describe('An OAuth 2.0 error (error, error_description), or a problem document for a refused credential');
const loginBody = z.object({ username: text(64), password: text(MAX_PASSWORD) }).strict();
const sessionAnswer = z.object({ csrfToken: z.string(), expiresIn: z.number().int() });
const whoAnswer = z.object({
  subject: z.string(),
  kind: z.enum(['person', 'client']),
  name: z.string().optional(),
  roles: z.array(z.string()),
});

/**
 * The built-in provider's routes: OpenID Connect discovery and JWKS, the token endpoint (RFC 6749: password,
 * client_credentials, refresh_token; form-encoded), revocation (RFC 7009), and the web session routes that set
 * HttpOnly, SameSite=Strict cookies for the pages.
 */
export async function registerIdentityRoutes(
  http: HttpServer,
  provider: IdentityProvider,
  secureCookies: boolean,
  /** The roles the applications declare: an operator opens staff accounts with those not restricted to their own. */
  roles: readonly Role[] = [],
) {
  const base = () => provider.issuer().replace(/\/+$/, '');
  http.get(
    '/.well-known/openid-configuration',
    {
      config: { audience: anyone },
      schema: { tags: [IDENTITY_TAG.name], summary: 'OpenID Connect discovery' },
    },
    async () => ({
      issuer: provider.issuer(),
      token_endpoint: `${base()}${TOKEN_PATH}`,
      revocation_endpoint: `${base()}${REVOKE_PATH}`,
      jwks_uri: `${base()}/.well-known/jwks.json`,
      grant_types_supported: ['password', 'client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['EdDSA'],
      claims_supported: ['sub', 'roles', 'preferred_username', 'sid'],
    }),
  );
  http.get(
    '/.well-known/jwks.json',
    {
      config: { audience: anyone },
      schema: { tags: [IDENTITY_TAG.name], summary: 'The keys tokens are signed with' },
    },
    async () => provider.jwks(),
  );

  await http.register(async (scope) => {
    await scope.register(formBody);
    const oauth = scope.withTypeProvider<ZodTypeProvider>();
    oauth.post(
      TOKEN_PATH,
      {
        config: { audience: anyone, idempotency: false, credentials: true },
        schema: {
          tags: [IDENTITY_TAG.name],
          summary: 'Get tokens: password (people), client_credentials (robots, services), refresh_token',
          consumes: ['application/x-www-form-urlencoded'],
          body: tokenRequest,
          response: { 200: tokenResponse, 400: oauthError, 401: oauthError },
        },
        // OAuth clients expect RFC 6749's error body, not a problem document, for a bad request too.
        attachValidation: true,
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        if (request.validationError) {
          return oauthFailure(reply, 400, 'invalid_request', request.validationError.message);
        }
        const body = request.body;
        if (body.grant_type === 'password') {
          const tokens = await provider.passwordGrant(body.username, body.password);
          return tokens
            ? withoutCsrf(tokens)
            : oauthFailure(reply, 400, 'invalid_grant', 'the username or password is wrong');
        }
        if (body.grant_type === 'refresh_token') {
          const tokens = await provider.refreshGrant(body.refresh_token);
          return tokens
            ? withoutCsrf(tokens)
            : oauthFailure(reply, 400, 'invalid_grant', 'the refresh token is not good');
        }
        const client = clientCredentialOf(request.headers.authorization, body);
        if (!client) return oauthFailure(reply, 401, 'invalid_client', 'the client credential is missing');
        const tokens = await provider.clientGrant(client.id, client.secret);
        return tokens ? tokens : oauthFailure(reply, 401, 'invalid_client', 'the client credential is wrong');
      },
    );
    oauth.post(
      REVOKE_PATH,
      {
        config: { audience: anyone, idempotency: false },
        schema: {
          tags: [IDENTITY_TAG.name],
          summary: 'Revoke a refresh token: its session ends, and so do its access tokens (RFC 7009)',
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({
            token: text(4096),
            token_type_hint: text(64).optional(),
            client_id: text(128).optional(),
          }),
        },
      },
      async (request, reply) => {
        await provider.revoke({ refreshToken: request.body.token });
        // RFC 7009: an unknown token is answered as a revoked one.
        return reply.status(200).send();
      },
    );
  });

  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: secureCookies, path: '/' };
  const startSession = (reply: FastifyReply, tokens: Tokens) =>
    reply
      .setCookie(SESSION_COOKIE, tokens.access_token, { ...cookie, maxAge: tokens.expires_in })
      .setCookie(REFRESH_COOKIE, tokens.refresh_token ?? '', { ...cookie, path: '/auth' })
      // Pages read it to echo it in a header: it is not HttpOnly, and it is no credential by itself.
      .setCookie(CSRF_COOKIE, tokens.csrf ?? '', { ...cookie, httpOnly: false })
      .send({ csrfToken: tokens.csrf ?? '', expiresIn: tokens.expires_in });
  const endSession = (reply: FastifyReply) =>
    reply
      .clearCookie(SESSION_COOKIE, cookie)
      .clearCookie(REFRESH_COOKIE, { ...cookie, path: '/auth' })
      .clearCookie(CSRF_COOKIE, { ...cookie, httpOnly: false });

  http.post(
    '/auth/login',
    {
      config: { audience: anyone, idempotency: false, credentials: true },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: 'Log in a web page: sets the session cookies (HttpOnly, SameSite=Strict)',
        body: loginBody,
        response: { 200: sessionAnswer },
      },
    },
    async (request, reply) => {
      const tokens = await provider.passwordGrant(request.body.username, request.body.password, true);
      if (!tokens) {
        return sendProblem(
          reply,
          problem(401, 'the username or password is wrong', { code: 'invalid_credentials' }),
        );
      }
      return startSession(reply, tokens);
    },
  );
  http.get(
    '/auth/session',
    {
      config: { audience: anyone },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary:
          'Who a web page (or a token) is logged in as: the subject, login name and roles; 401 when nobody',
        response: { 200: whoAnswer },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (!principal) {
        return sendProblem(reply, problem(401, 'nobody is logged in', { code: 'unauthenticated' }));
      }
      return {
        subject: principal.subject,
        kind: principal.kind,
        roles: [...principal.roles],
        ...(principal.name === undefined ? {} : { name: principal.name }),
      };
    },
  );
  http.post(
    '/auth/refresh',
    {
      config: { audience: anyone, idempotency: false, credentials: true },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: "Renew a web page's session from its refresh cookie",
        response: { 200: sessionAnswer },
      },
    },
    async (request, reply) => {
      const refresh = request.cookies[REFRESH_COOKIE];
      const tokens = refresh ? await provider.refreshGrant(refresh, true) : undefined;
      if (!tokens)
        return sendProblem(
          endSession(reply),
          problem(401, 'the session has ended: log in again', { code: 'session_ended' }),
        );
      return startSession(reply, tokens);
    },
  );
  http.post(
    '/auth/logout',
    {
      config: { audience: anyone, idempotency: false },
      schema: { tags: [IDENTITY_TAG.name], summary: "End a web page's session" },
    },
    async (request, reply) => {
      const refresh = request.cookies[REFRESH_COOKIE];
      if (refresh) await provider.revoke({ refreshToken: refresh });
      if (request.principal?.session) await provider.revoke({ session: request.principal.session });
      return endSession(reply).status(204).send();
    },
  );
  http.post(
    '/identity/accounts',
    {
      config: { audience: only(serviceRole) },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: 'Open an account for a person (the module that knows them asks: Customers for customers)',
        body: z
          .object({
            subject: text(128),
            username: text(64),
            password: text(MAX_PASSWORD),
            roles: z.array(text(64)).min(1).max(16),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      if (request.body.roles.includes(OPERATOR_ROLE)) {
        return sendProblem(reply, problem(403, 'an operator is made by an operator', { code: 'forbidden' }));
      }
      await provider.accounts.register(request.body);
      return reply.status(204).send();
    },
  );
  registerClientRoutes(http, provider);
  registerStaffRoutes(http, provider, roles, IDENTITY_TAG.name);
}

/** What a client's id may be: it is the subject of its tokens (a robot's id, `services`). */
export const CLIENT_ID_PATTERN = /^[\w.:-]{1,128}$/;
const clientIdSchema = z
  .string()
  .regex(CLIENT_ID_PATTERN, "a client id is 1 to 128 letters, digits, or '.', ':', '_', '-'");
const clientRoles = z
  .array(z.string().regex(/^[\w.:-]{1,64}$/, "a role is 1 to 64 letters, digits, or '.', ':', '_', '-'"))
  .min(1)
  .max(16);
const clientSecretAnswer = z.object({
  clientId: z.string(),
  clientSecret: z.string(),
  roles: z.array(z.string()),
});
const clientParams = z.object({ clientId: clientIdSchema });

/**
 * Whether `principal` may make, renew or remove a client holding `roles`: never an operator (operators are
 * people, made by an operator), and a service's credential only by an operator. The routes admit operators and
 * services; a service (a simulator registering its robots) manages the other clients.
 */
function checkManages(principal: Principal | undefined, roles: readonly string[]) {
  if (roles.includes(OPERATOR_ROLE)) {
    throw permissionDenied('operator_client', 'a client cannot be an operator: operators are people');
  }
  if (roles.includes(SERVICE_ROLE) && !isOperator(principal)) {
    throw permissionDenied('service_client', "only an operator manages a service's credential");
  }
}

/**
 * The clients' credentials (robots, services): made and renewed with a generated secret answered once (only its
 * hash is kept), read, removed. For operators, and for services (which manage no service's credential).
 */
function registerClientRoutes(http: HttpServer, provider: IdentityProvider) {
  const audience = only(serviceRole);
  const roleOf = async (clientId: string) => {
    const roles = await provider.clientRoles(clientId);
    if (!roles) throw notFound('client_not_found', `no client ${clientId}`);
    return roles;
  };
  // A secret is answered once: never kept as an idempotent replay.
  http.post(
    '/identity/clients',
    {
      config: { audience, idempotency: false },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: "Make a robot's or a service's client credential: its secret is answered this once",
        body: z.object({ clientId: clientIdSchema, roles: clientRoles }).strict(),
        response: { 201: clientSecretAnswer },
      },
    },
    async (request, reply) => {
      const { clientId, roles } = request.body;
      checkManages(request.principal, roles);
      const secret = await provider.createClient(clientId, roles);
      if (!secret) throw alreadyExists('client_exists', `the client id ${clientId} is taken`, 'clientId');
      return reply
        .header('cache-control', 'no-store')
        .status(201)
        .send({ clientId, clientSecret: secret, roles });
    },
  );
  http.get(
    '/identity/clients/:clientId',
    {
      config: { audience },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: "A client's roles (never its secret)",
        params: clientParams,
        response: { 200: z.object({ clientId: z.string(), roles: z.array(z.string()) }) },
      },
    },
    async (request) => ({ clientId: request.params.clientId, roles: await roleOf(request.params.clientId) }),
  );
  http.post(
    '/identity/clients/:clientId/secret',
    {
      config: { audience, idempotency: false },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: 'Give a client a new secret, answered this once: the old one stops working',
        params: clientParams,
        response: { 200: clientSecretAnswer },
      },
    },
    async (request, reply) => {
      const { clientId } = request.params;
      const roles = await roleOf(clientId);
      checkManages(request.principal, roles);
      const secret = await provider.rotateClientSecret(clientId, roles);
      // Removed or given other roles since it was read: as if it had not been found.
      if (!secret) throw notFound('client_not_found', `no client ${clientId}`);
      return reply.header('cache-control', 'no-store').send({ clientId, clientSecret: secret, roles });
    },
  );
  http.delete(
    '/identity/clients/:clientId',
    {
      config: { audience },
      schema: {
        tags: [IDENTITY_TAG.name],
        summary: 'Remove a client: no new token for it (those issued live out their short life)',
        params: clientParams,
      },
    },
    async (request, reply) => {
      const { clientId } = request.params;
      const roles = await roleOf(clientId);
      checkManages(request.principal, roles);
      if (!(await provider.removeClient(clientId, roles))) {
        throw notFound('client_not_found', `no client ${clientId}`);
      }
      return reply.status(204).send();
    },
  );
}

const withoutCsrf = ({ csrf: _csrf, ...tokens }: Tokens) => tokens;

function oauthFailure(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .status(status)
    .type('application/json')
    .send({ error, error_description: description, status, detail: description });
}

/** RFC 6749 §2.3.1: HTTP Basic (preferred) or the body's client_id and client_secret. */
function clientCredentialOf(
  authorization: string | undefined,
  body: { client_id?: string; client_secret?: string },
): { id: string; secret: string } | undefined {
  const basic = authorization && /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      if (colon > 0) {
        return {
          id: decodeURIComponent(decoded.slice(0, colon)),
          secret: decodeURIComponent(decoded.slice(colon + 1)),
        };
      }
    } catch {
      return undefined; // bad percent-encoding: no credential
    }
  }
  return body.client_id && body.client_secret
    ? { id: body.client_id, secret: body.client_secret }
    : undefined;
}
