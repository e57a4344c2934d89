import { randomUUID } from 'node:crypto';
import type { TokenSubject } from '@tessera/platform/identity';
import { openEventStream, pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../src/app.js';
import { checkOut, eventually, mallbotsClient, stockedMall } from './cosec/support.js';

/**
 * Who may call what, route by route: every route of MallBots and of the platform, called as each kind of
 * caller and with every kind of bad token. The table is the specification: a route added without a row fails
 * the first test, so no route escapes a decision.
 */

type Outcome = 'ok' | 401 | 403;
/** What each caller gets, in the order of `CALLERS`: anonymous, the customer, another customer, a store
 * manager, depot staff, a robot, a service. The operator is admitted everywhere (checked for every route). */
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
const CALLERS = [
  'anonymous',
  'customer',
  'another customer',
  'store manager',
  'depot staff',
  'robot',
  'service',
];

const ANYONE: Row = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'];
const OPERATORS: Row = [401, 403, 403, 403, 403, 403, 403];
const MANAGERS: Row = [401, 403, 403, 'ok', 403, 403, 403];
const CUSTOMER_OWN: Row = [401, 'ok', 403, 403, 403, 403, 403];
const CUSTOMER_OWN_OR_DEPOT: Row = [401, 'ok', 403, 403, 'ok', 403, 403];
const DEPOT_STAFF: Row = [401, 403, 403, 403, 'ok', 403, 403];
const DEPOT: Row = [401, 403, 403, 403, 'ok', 'ok', 403];
const SEARCH_ONE: Row = [401, 'ok', 403, 'ok', 'ok', 403, 403];
/** Every customer may search: the handler shows each their own. */
const SEARCH_LIST: Row = [401, 'ok', 'ok', 'ok', 'ok', 403, 403];
const SERVICES: Row = [401, 403, 403, 403, 403, 403, 'ok'];
/** Every customer may list and follow orders' tracking: the handler shows each their own. */
const TRACKING_LIST: Row = [401, 'ok', 'ok', 403, 'ok', 403, 403];
/** Whoever presents a good credential: it answers who they are. */
const LOGGED_IN: Row = [401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'];

/** Every route, by `METHOD path` as OpenAPI names it, and the hidden routes of every process. */
const MATRIX: Record<string, Row> = {
  'GET /': ANYONE,
  'GET /docs': ANYONE,
  'GET /openapi.json': ANYONE,
  'GET /asyncapi.json': ANYONE,
  'GET /metrics': ANYONE,
  'GET /liveness': ANYONE,
  'GET /readiness': ANYONE,
  'GET /.well-known/openid-configuration': ANYONE,
  'GET /.well-known/jwks.json': ANYONE,
  'POST /oauth/token': ANYONE,
  'POST /oauth/revoke': ANYONE,
  'POST /auth/login': ANYONE,
  'POST /auth/refresh': ANYONE,
  'GET /auth/session': LOGGED_IN,
  'POST /identity/accounts': SERVICES,
  'POST /identity/clients': SERVICES,
  'GET /identity/clients/{clientId}': SERVICES,
  'POST /identity/clients/{clientId}/secret': SERVICES,
  'DELETE /identity/clients/{clientId}': SERVICES,
  'POST /identity/staff': OPERATORS,
  'GET /identity/staff': OPERATORS,
  'GET /admin/messaging/dead-letters': OPERATORS,
  'GET /admin/messaging/dead-letters/{id}': OPERATORS,
  'POST /admin/messaging/dead-letters/redrive': OPERATORS,
  'GET /admin/messaging/lag': OPERATORS,
  'GET /admin/messaging/flow': OPERATORS,
  'GET /admin/messaging/conversations': OPERATORS,
  'GET /admin/topology': OPERATORS,
  'GET /admin/sagas': OPERATORS,
  'GET /admin/sagas/{saga}/{id}': OPERATORS,
  'GET /admin/projections': OPERATORS,
  'GET /admin/projections/live': OPERATORS,
  'GET /admin/notifications/sms': OPERATORS,
  'POST /api/stores': MANAGERS,
  'GET /api/stores': ANYONE,
  'GET /api/stores/participating': ANYONE,
  'GET /api/stores/{id}': ANYONE,
  'PUT /api/stores/{id}/participating': MANAGERS,
  'DELETE /api/stores/{id}/participating': MANAGERS,
  'PUT /api/stores/{id}/rebrand': MANAGERS,
  'POST /api/stores/{storeId}/products': MANAGERS,
  'GET /api/stores/{storeId}/products': ANYONE,
  'GET /api/stores/products/{id}': ANYONE,
  'DELETE /api/stores/products/{id}': MANAGERS,
  'PUT /api/stores/products/{id}/rebrand': MANAGERS,
  'PUT /api/stores/products/{id}/increasePrice': MANAGERS,
  'PUT /api/stores/products/{id}/decreasePrice': MANAGERS,
  'POST /api/customers': ANYONE,
  'GET /api/customers/{id}': CUSTOMER_OWN,
  'PUT /api/customers/{id}/enable': OPERATORS,
  'PUT /api/customers/{id}/disable': OPERATORS,
  'PUT /api/customers/{id}/change-sms': CUSTOMER_OWN,
  'POST /api/payments': CUSTOMER_OWN,
  'GET /api/payments/{id}': CUSTOMER_OWN,
  'GET /api/payments/invoices/{id}': CUSTOMER_OWN_OR_DEPOT,
  'PUT /api/payments/invoices/{id}/pay': CUSTOMER_OWN_OR_DEPOT,
  'GET /api/depot/shopping': DEPOT,
  'GET /api/depot/shopping/{id}': DEPOT,
  'PUT /api/depot/shopping/{id}/assign': DEPOT,
  'PUT /api/depot/shopping/{id}/complete': DEPOT,
  'GET /api/depot/bots': DEPOT,
  'GET /api/depot/bots/{id}': DEPOT,
  'GET /api/depot/bots/live': DEPOT_STAFF,
  'GET /api/depot/shopping/live': DEPOT_STAFF,
  'GET /api/ordering/{id}': CUSTOMER_OWN_OR_DEPOT,
  'DELETE /api/ordering/{id}': CUSTOMER_OWN,
  'POST /api/ordering/{id}/staff-cancel': DEPOT_STAFF,
  'GET /api/notifications/customers/{customerId}': CUSTOMER_OWN,
  'POST /api/search/orders': SEARCH_LIST,
  'GET /api/search/orders/{id}': SEARCH_ONE,
  'GET /api/search/orders': TRACKING_LIST,
  'GET /api/search/orders/live': TRACKING_LIST,
  'GET /api/search/orders/{id}/tracking': CUSTOMER_OWN_OR_DEPOT,
  'POST /api/baskets': CUSTOMER_OWN,
  'GET /api/baskets/{id}': CUSTOMER_OWN,
  'DELETE /api/baskets/{id}': CUSTOMER_OWN,
  'PUT /api/baskets/{id}/addItem': CUSTOMER_OWN,
  'PUT /api/baskets/{id}/removeItem': CUSTOMER_OWN,
  'PUT /api/baskets/{id}/checkout': CUSTOMER_OWN,
  'GET /api/baskets/{id}/checkout': SERVICES,
  // Last: a rebuild empties the search read model for a while, and a logout ends the caller's session.
  'POST /admin/projections/{name}/rebuild': OPERATORS,
  'POST /auth/logout': ANYONE,
};

/** The resources the calls are about: the customer's, made before the matrix runs. */
interface Scene {
  storeId: string;
  productId: string;
  customerId: string;
  basketId: string;
  paymentId: string;
  orderId: string;
  shoppingListId: string;
  projection: string;
}

const BOT = 'matrix-bot-1';

/** A request for the route: its path filled in with the scene's resources, a valid body where it takes one. */
function requestOf(
  route: string,
  scene: Scene,
): { url: string; payload?: unknown; form?: Record<string, string> } {
  const [method, path] = route.split(' ') as [string, string];
  const id: Record<string, string> = {
    '/api/stores/': scene.storeId,
    '/api/stores/products/': scene.productId,
    '/api/customers/': scene.customerId,
    '/api/payments/invoices/': scene.orderId,
    '/api/payments/': scene.paymentId,
    '/api/depot/shopping/': scene.shoppingListId,
    '/api/depot/bots/': BOT,
    '/api/ordering/': scene.orderId,
    '/api/search/orders/': scene.orderId,
    '/api/baskets/': scene.basketId,
    '/admin/messaging/dead-letters/': randomUUID(),
  };
  const prefix = Object.keys(id)
    .filter((candidate) => path.startsWith(candidate) && path.slice(candidate.length).startsWith('{'))
    .sort((a, b) => b.length - a.length)[0];
  const url = path
    .replace('{storeId}', scene.storeId)
    .replace('{customerId}', scene.customerId)
    .replace('{clientId}', BOT)
    .replace('{saga}/{id}', `cosec.CreateOrder/${scene.orderId}`)
    .replace('{name}', scene.projection)
    .replace('{id}', prefix ? (id[prefix] as string) : randomUUID());
  const bodies: Record<string, unknown> = {
    'POST /identity/accounts': {
      subject: randomUUID(),
      username: `matrix-${randomUUID().slice(0, 8)}`,
      password: randomUUID(),
      roles: ['customer'],
    },
    'POST /auth/login': { username: 'nobody-here', password: 'not-the-password' },
    'POST /identity/staff': {
      username: `matrix-${randomUUID().slice(0, 8)}`,
      password: randomUUID(),
      roles: ['depot-staff'],
    },
    'POST /identity/clients': { clientId: `matrix-robot-${randomUUID().slice(0, 8)}`, roles: ['robot'] },
    'POST /admin/messaging/dead-letters/redrive': { ids: [randomUUID()] },
    'POST /api/stores': { name: 'Matrix Store', location: 'M1' },
    'PUT /api/stores/{id}/rebrand': { name: 'Matrix Store Again' },
    'POST /api/stores/{storeId}/products': { name: 'Bolt', description: 'A bolt', sku: 'BOLT', price: 1 },
    'PUT /api/stores/products/{id}/rebrand': { name: 'Bolt', description: 'Still a bolt' },
    'PUT /api/stores/products/{id}/increasePrice': { price: 30 },
    'PUT /api/stores/products/{id}/decreasePrice': { price: 1 },
    'POST /api/customers': {
      name: 'Matrix',
      smsNumber: '+15550199',
      username: `m${randomUUID().slice(0, 8)}`,
      password: randomUUID(),
    },
    'PUT /api/customers/{id}/change-sms': { smsNumber: '+15550198' },
    'POST /api/payments': { customerId: scene.customerId, amountCents: 100 },
    'PUT /api/depot/shopping/{id}/assign': { botId: BOT },
    'POST /api/ordering/{id}/staff-cancel': { reason: 'matrix' },
    'POST /api/search/orders': {},
    'POST /api/baskets': { customerId: scene.customerId },
    'PUT /api/baskets/{id}/addItem': { productId: scene.productId, quantity: 1 },
    'PUT /api/baskets/{id}/removeItem': { productId: scene.productId, quantity: 1 },
    'PUT /api/baskets/{id}/checkout': { paymentId: scene.paymentId },
  };
  if (route === 'POST /oauth/token')
    return { url, form: { grant_type: 'password', username: 'nobody', password: 'wrong' } };
  if (route === 'POST /oauth/revoke') return { url, form: { token: 'not-a-refresh-token' } };
  // The message trail's routes read their ids from the query (ADR 0041).
  const queries: Record<string, string> = {
    'GET /admin/messaging/flow': `?correlationId=${scene.orderId}`,
    'GET /admin/messaging/conversations': `?key=${scene.orderId}`,
  };
  const payload = bodies[route];
  const withQuery = `${url}${queries[route] ?? ''}`;
  return method === 'GET' || payload === undefined ? { url: withQuery } : { url: withQuery, payload };
}

/** The access layer's own refusals (a handler's 401 or 403, e.g. a wrong password, is the route answering). */
function outcomeOf(status: number, body: string): Outcome {
  if (status !== 401 && status !== 403) return 'ok';
  const code = (JSON.parse(body) as { code?: string }).code;
  if (status === 401 && (code === 'unauthenticated' || code === 'invalid_token')) return 401;
  if (status === 403 && (code === 'forbidden' || code === 'not_yours')) return 403;
  return 'ok';
}

describe('who may call what: every route, every caller, every bad token', () => {
  let api: TestHost;
  let scene: Scene;
  const tokens = new Map<string, string>();
  const badTokens = new Map<string, string>();

  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, mallbots.modules);
    const mall = mallbotsClient(api.call);
    const { storeA, arm } = await stockedMall(mall);
    const customerId = await mall.registerCustomer();
    const { basketId, paymentId } = await checkOut(mall, customerId, [[arm, 1]]);
    const order = await mall.settledOrder(basketId);
    expect(order.status).toBe('approved');
    const shoppingListId = order.shoppingListId as string;
    // The robot shops it: the order is ready and invoiced, so that every resource of the customer exists.
    expect(
      (await api.call('PUT', `/api/depot/shopping/${shoppingListId}/assign`, { botId: BOT })).statusCode,
    ).toBe(204);
    expect((await api.call('PUT', `/api/depot/shopping/${shoppingListId}/complete`)).statusCode).toBe(204);
    await eventually(
      async () => (await api.call('GET', `/api/payments/invoices/${basketId}`)).statusCode,
      (status) => status === 200,
      'the order is invoiced',
    );
    await eventually(
      async () => (await api.call('GET', `/api/search/orders/${basketId}`)).statusCode,
      (status) => status === 200,
      'search has the order',
    );
    await eventually(
      async () => (await api.call('GET', `/api/search/orders/${basketId}/tracking`)).statusCode,
      (status) => status === 200,
      'search tracks the order',
    );
    const { projections } = (await api.call('GET', '/admin/projections')).json<{
      projections: Array<{ name: string }>;
    }>();
    scene = {
      storeId: storeA,
      productId: arm,
      customerId,
      basketId,
      paymentId,
      orderId: basketId,
      shoppingListId,
      projection: projections[0]!.name,
    };

    const as: Record<string, TokenSubject> = {
      customer: { subject: customerId, roles: ['customer'], username: 'ada' },
      'another customer': { subject: randomUUID(), roles: ['customer'], username: 'bob' },
      'store manager': { subject: 'staff:sam', roles: ['store-manager'], username: 'sam' },
      'depot staff': { subject: 'staff:dee', roles: ['depot-staff'], username: 'dee' },
      robot: { subject: BOT, roles: ['robot'], client: true },
      service: { subject: 'services', roles: ['service'], client: true },
      operator: { subject: 'operator:matrix', roles: ['operator'], username: 'operator' },
    };
    for (const [caller, who] of Object.entries(as)) tokens.set(caller, await api.tokenFor(who));

    // Tokens that must not work, made as an attacker (or time) would make them.
    const issuer = (await api.call('GET', '/.well-known/openid-configuration')).json<{ issuer: string }>()
      .issuer;
    const { rows } = await api.db.query<{ kid: string; private_jwk: JWK }>(
      'SELECT kid, private_jwk FROM identity.signing_keys',
    );
    const realKey = await importJWK(rows[0]!.private_jwk, 'EdDSA');
    const claims = { roles: ['operator'], sub: 'operator:matrix' };
    const signed = (key: Parameters<SignJWT['sign']>[0], edit: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
      edit(
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', kid: rows[0]!.kid })
          .setIssuer(issuer)
          .setAudience('tessera')
          .setIssuedAt()
          .setExpirationTime('5m'),
      ).sign(key);
    const past = Math.floor(Date.now() / 1000) - 3600;
    badTokens.set(
      'expired',
      await signed(realKey, (jwt) => jwt.setIssuedAt(past - 600).setExpirationTime(past)),
    );
    const { privateKey: otherKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    badTokens.set('signed by another key', await signed(otherKey));
    badTokens.set('for another audience', await signed(realKey, (jwt) => jwt.setAudience('another-api')));
    badTokens.set(
      'from another issuer',
      await signed(realKey, (jwt) => jwt.setIssuer('https://evil.example')),
    );
    const unsigned = (header: object, payload: object) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    badTokens.set(
      'alg none',
      unsigned({ alg: 'none', typ: 'JWT' }, { ...claims, iss: issuer, aud: 'tessera', exp: past + 7200 }),
    );
    // The public key as an HMAC secret: the algorithm confusion attack.
    const publicJwk = await exportJWK(otherKey);
    badTokens.set(
      'HS256 with the public key',
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: rows[0]!.kid })
        .setIssuer(issuer)
        .setAudience('tessera')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
    );
    const revoked = await api.tokenFor({
      subject: 'operator:revoked',
      roles: ['operator'],
      username: 'gone',
    });
    await api.host.identity!.revoke({ session: decodeJwt(revoked).sid as string });
    badTokens.set('revoked', revoked);
    badTokens.set('malformed', 'not-a-jwt');
  }, 120_000);
  afterAll(() => api?.close());

  const call = async (route: string, token: string | undefined) => {
    const [method] = route.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE'];
    const { url, payload, form } = requestOf(route, scene);
    const authorization = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (route.endsWith('/live')) {
      // A stream that opens never ends by itself: read its answer over real HTTP, then go away.
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
      const stream = await openEventStream(`${api.host.url}${url}`, { headers });
      await stream.close();
      const body = stream.body ?? '';
      return { statusCode: stream.status, headers: stream.headers, body, json: () => JSON.parse(body) };
    }
    if (form) {
      return api.host.http.inject({
        method,
        url,
        headers: { ...authorization, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
    }
    return api.host.http.inject({
      method,
      url,
      headers: authorization,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  };

  it('has a row for every route the document shows, and no row for a route that is gone', async () => {
    const document = (await api.call('GET', '/openapi.json')).json<{ paths: Record<string, object> }>();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const hidden = [
      'GET /',
      'GET /docs',
      'GET /openapi.json',
      'GET /asyncapi.json',
      'GET /metrics',
      'GET /liveness',
      'GET /readiness',
    ];
    expect([...documented, ...hidden].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.keys(MATRIX))('%s answers each caller as the table says', async (route) => {
    const expected = MATRIX[route]!;
    const got: Record<string, Outcome> = {};
    for (const caller of CALLERS) {
      const response = await call(route, caller === 'anonymous' ? undefined : tokens.get(caller));
      got[caller] = outcomeOf(response.statusCode, response.body);
    }
    const operator = await call(route, tokens.get('operator'));
    got.operator = outcomeOf(operator.statusCode, operator.body);
    expect(got).toEqual({
      ...Object.fromEntries(CALLERS.map((caller, i) => [caller, expected[i]])),
      operator: 'ok',
    });
  });

  it.each(Object.keys(MATRIX))('%s refuses every bad token with 401 and says why', async (route) => {
    for (const [kind, token] of badTokens) {
      const response = await call(route, token);
      expect(response.statusCode, `${kind}: ${response.body}`).toBe(401);
      expect(response.json(), kind).toMatchObject({ code: 'invalid_token' });
      expect(response.headers['www-authenticate'], kind).toMatch(/^Bearer error="invalid_token"/);
    }
  });
});
