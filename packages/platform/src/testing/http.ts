import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ROLE, SERVICE_ROLE, type TokenSubject } from '../identity/index.js';
import { type Config, type Host, loadConfig, type Module, startHost } from '../runtime/index.js';
import type { SqlClient } from '../sql/index.js';
import type { TestDatabase } from './databases.js';
import { deleteTestStream, type TestBrokerKind, testNatsUrl, uniqueTestStream } from './nats.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** The parts of an injected response tests read. */
export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
  json<T = unknown>(): T;
}

/** Calls to the host's routes as one caller. */
export interface Caller {
  call(method: Method, url: string, body?: unknown): Promise<Answer>;
  /** Sends `payload` as it is, declared as JSON (for malformed and oversized bodies). */
  raw(method: Method, url: string, payload: string, contentType?: string): Promise<Answer>;
}

/** Who a test acts as: anyone with no credential, or a principal the host's provider issues a token for. */
export type Acting = 'anonymous' | TokenSubject;

/** The superuser tests act as unless they say otherwise (every route admits it). */
export const TEST_OPERATOR: TokenSubject = {
  subject: 'operator:test',
  roles: [OPERATOR_ROLE],
  username: 'operator',
};

/** The Authorization header of a token the host's built-in provider issues for `who` (the operator by default). */
export async function authorizationFor(
  host: Pick<Host, 'identity'>,
  who: TokenSubject = TEST_OPERATOR,
): Promise<{ authorization: string }> {
  if (!host.identity) throw new Error('the host has no identity provider to issue tokens');
  return { authorization: `Bearer ${(await host.identity.issue(who)).access_token}` };
}

/**
 * The identity settings of another process of the same system as `host` (as the launcher gives its module
 * processes): tokens are checked against `host`'s built-in provider (its JWKS, its issuer), and this process
 * calls other modules with a service client made there for it, fetching its token from `host`'s token
 * endpoint (or, with `discovery`, from the one its discovery document names, as with an external provider).
 */
export async function authBeside(
  host: Pick<Host, 'identity' | 'url'>,
  options: { discovery?: boolean } = {},
): Promise<Config['auth']> {
  if (!host.identity) throw new Error('the host has no identity provider to trust');
  const client = {
    id: `services-${randomUUID().slice(0, 8)}`,
    secret: randomBytes(24).toString('base64url'),
  };
  await host.identity.registerClient(client.id, client.secret, [SERVICE_ROLE]);
  return {
    ...loadConfig({}).auth,
    issuer: host.url,
    jwksUrl: `${host.url}/.well-known/jwks.json`,
    identityUrl: options.discovery ? undefined : host.url,
    client,
  };
}

export interface TestHost extends Caller {
  readonly host: Host;
  readonly db: SqlClient;
  /** The same calls as someone else: a customer (`{ subject: customerId, roles: ['customer'] }`), a role. */
  as(who: Acting): Caller;
  /** A bearer token for `who`, for calls made another way (fetch, RPC metadata). */
  tokenFor(who: TokenSubject): Promise<string>;
  close(): Promise<void>;
}

/** A host's configuration for a test: any free port on this machine, no logs; `overrides` on top. */
export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...loadConfig({}),
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  logFormat: 'json',
  ...overrides,
});

/** Small, so oversized-body tests stay cheap. */
export const TEST_BODY_LIMIT = 4096;

/** An in-process host (no port is served to anyone else) with these modules on a fresh database. */
export async function startTestHost(
  backend: TestDatabase,
  modules: readonly Module[],
  options: {
    bodyLimit?: number;
    broker?: TestBrokerKind;
    rateLimit?: { max: number; windowMs: number; credentialsPerMinute?: number };
    corsOrigins?: readonly string[];
    /** TRACES_URL: where the console opens a trace. */
    tracesUrl?: string;
  } = {},
): Promise<TestHost> {
  const opened = await backend.open();
  // NATS: a stream of its own, few lanes, and a short ack wait so that a crashed handling comes back soon.
  const nats =
    options.broker === 'nats'
      ? { natsUrl: testNatsUrl, natsStream: uniqueTestStream(), natsPartitions: 4, natsAckWaitMs: 2_000 }
      : {};
  const host = await startHost({
    name: 'Test',
    version: 'test',
    modules,
    db: opened.db,
    bootstrapOperator: false,
    config: {
      ...testConfig(),
      httpBodyLimit: options.bodyLimit ?? TEST_BODY_LIMIT,
      // Every test's calls come from one address: the limiter runs in each, and refuses only when a test says.
      rateLimitMax: options.rateLimit?.max ?? Number.MAX_SAFE_INTEGER,
      rateLimitWindowMs: options.rateLimit?.windowMs ?? 60_000,
      rateLimitCredentialsPerMinute: options.rateLimit?.credentialsPerMinute ?? Number.MAX_SAFE_INTEGER,
      corsOrigins: options.corsOrigins ?? [],
      tracesUrl: options.tracesUrl,
      ...nats,
    },
  });
  const tokenFor = async (who: TokenSubject) =>
    (await authorizationFor(host, who)).authorization.slice('Bearer '.length);
  const callerAs = (who: Acting): Caller => {
    // One token per caller, issued on first use.
    const token = who === 'anonymous' ? undefined : tokenFor(who);
    token?.catch(() => undefined); // a failure is reported by the call that awaits it
    const headers = async (): Promise<Record<string, string>> =>
      token ? { authorization: `Bearer ${await token}` } : {};
    return {
      call: async (method, url, body) =>
        host.http.inject({
          method,
          url,
          headers: await headers(),
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      raw: async (method, url, payload, contentType = 'application/json') =>
        host.http.inject({
          method,
          url,
          payload,
          headers: { ...(await headers()), 'content-type': contentType },
        }),
    };
  };
  const operator = callerAs(TEST_OPERATOR);
  return {
    host,
    db: opened.db,
    ...operator,
    as: callerAs,
    tokenFor,
    async close() {
      await host.stop();
      if (nats.natsStream) await deleteTestStream(nats.natsStream);
      await opened.close();
    },
  };
}

export interface ProblemExpectation {
  code?: string;
  detail?: string | RegExp;
  field?: string;
}

/** Asserts an RFC 9457 problem answer: status, media type, and what names the rule or the field. */
export function expectProblem(response: Answer, status: number, expected: ProblemExpectation = {}) {
  expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body) as {
    status: number;
    code?: string;
    detail: string;
    errors?: Array<{ field: string; message: string }>;
  };
  expect(body.status).toBe(status);
  if (expected.code !== undefined) expect(body.code).toBe(expected.code);
  if (typeof expected.detail === 'string') expect(body.detail).toBe(expected.detail);
  if (expected.detail instanceof RegExp) expect(body.detail).toMatch(expected.detail);
  if (expected.field !== undefined) {
    expect(body.errors?.map((error) => error.field)).toContain(expected.field);
  }
  return body;
}

export const unknownId = () => crypto.randomUUID();

export interface RouteUnderTest {
  method: Method;
  /** With at most one path parameter, written `:name`, that takes a UUID (or what `param` says). */
  path: string;
  /** A valid body, for routes that take one: every field is checked. Text fields must allow at most 1,000 characters. */
  body?: Record<string, unknown>;
  /** What an unknown id answers (404), for routes with a parameter (unless `param` says none is unknown). */
  notFound?: ProblemExpectation;
  /**
   * A path parameter that is not a UUID (a country code, a bot's name): a well-formed value for the checks
   * that need a path, malformed ones that must be refused naming it, and one that names nothing (the 404
   * check), absent when every well-formed value names something (a country to sanction).
   */
  param?: { valid: string; malformed: readonly string[]; unknown?: string };
}

const paramOf = (path: string) => /:(\w+)/.exec(path)?.[1];
const label = (route: RouteUnderTest) => `${route.method} ${route.path}`;
/** The route's path with its parameter well-formed (`id`, or a value nothing has). */
const at = (route: RouteUnderTest, id: string = route.param?.valid ?? unknownId()) =>
  route.path.replace(/:\w+/, id);
const malformedOf = (route: RouteUnderTest) =>
  route.param?.malformed ?? ['not-a-uuid', '123', `${unknownId()}x`];
/** What names nothing, for the 404 check; undefined when every well-formed value names something. */
const unknownOf = (route: RouteUnderTest) => (route.param ? route.param.unknown : unknownId());

/** Values of every JSON type other than the valid value's: each must be refused. */
function wrongValues(valid: unknown): unknown[] {
  const all: Array<[string, unknown]> = [
    ['number', 42],
    ['string', 'wrong'],
    ['boolean', true],
    ['null', null],
    ['array', ['x']],
    ['object', { n: 1 }],
  ];
  const kind = valid === null ? 'null' : Array.isArray(valid) ? 'array' : typeof valid;
  return all.filter(([type]) => type !== kind).map(([, value]) => value);
}

/**
 * The bad input every JSON route must answer with a 4xx problem naming the field or rule, never a 5xx:
 * malformed JSON, a non-object body, unknown, wrongly typed, missing and over-long fields, text storage cannot
 * hold, an oversized body, a body that is not JSON (on a route with no body too), a change asked cross-site, a
 * malformed id, an unknown id, and a method the route does not have.
 */
export function describeBadRequests(
  api: () => TestHost,
  routes: readonly RouteUnderTest[],
  options: { bodyLimit?: number } = {},
) {
  const bodyLimit = options.bodyLimit ?? TEST_BODY_LIMIT;
  const withBody = routes.filter((route) => route.body !== undefined);
  const withParam = routes.filter((route) => paramOf(route.path) !== undefined);

  describe.each(withBody.map((route) => [label(route), route] as const))('%s', (_label, route) => {
    const body = route.body!;
    it('refuses malformed JSON', async () => {
      expectProblem(await api().raw(route.method, at(route), '{"name": '), 400, {
        code: 'malformed_json',
        field: 'body',
      });
    });

    it('refuses a body that is not an object', async () => {
      expectProblem(await api().raw(route.method, at(route), '[1, 2]'), 400, {
        code: 'invalid_request',
      });
    });

    it('refuses unknown fields, naming them', async () => {
      const response = await api().call(route.method, at(route), { ...body, colour: 'red' });
      expectProblem(response, 400, { code: 'invalid_request', field: 'body.colour' });
    });

    it('refuses each field with a value of the wrong type, naming it', async () => {
      for (const [field, valid] of Object.entries(body)) {
        for (const wrong of wrongValues(valid)) {
          const response = await api().call(route.method, at(route), { ...body, [field]: wrong });
          expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
        }
      }
    });

    it('refuses each missing field, naming it', async () => {
      for (const field of Object.keys(body)) {
        const { [field]: _missing, ...rest } = body;
        const response = await api().call(route.method, at(route), rest);
        expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
      }
    });

    it('refuses text longer than the field allows, naming it', async () => {
      for (const [field, valid] of Object.entries(body)) {
        if (typeof valid !== 'string') continue;
        const response = await api().call(route.method, at(route), {
          ...body,
          [field]: '1'.repeat(1001),
        });
        expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
      }
    });

    it('refuses text that storage cannot hold (a NUL, a lone surrogate) in each text field, naming it', async () => {
      for (const [field, valid] of Object.entries(body)) {
        if (typeof valid !== 'string') continue;
        for (const bad of [`${valid}\u0000`, `\ud800${valid}`]) {
          const response = await api().call(route.method, at(route), { ...body, [field]: bad });
          expectProblem(response, 400, { code: 'invalid_request', field: `body.${field}` });
        }
      }
    });

    it(`refuses a body over the limit (${bodyLimit} bytes) with 413`, async () => {
      const huge = JSON.stringify({ ...body, padding: 'x'.repeat(bodyLimit) });
      expectProblem(await api().raw(route.method, at(route), huge), 413, { code: 'body_too_large' });
    });

    it('refuses a body that is not JSON with 415', async () => {
      const response = await api().raw(
        route.method,
        at(route),
        'name=x',
        'application/x-www-form-urlencoded',
      );
      expectProblem(response, 415, { code: 'unsupported_media_type' });
    });
  });

  it.each(withParam.map((route) => [label(route), route] as const))(
    '%s refuses a malformed id, naming the parameter',
    async (_label, route) => {
      for (const id of malformedOf(route)) {
        const response = await api().call(route.method, at(route, id), route.body);
        expectProblem(response, 400, { code: 'invalid_request', field: `params.${paramOf(route.path)}` });
      }
    },
  );

  it.each(withParam.map((route) => [label(route), route] as const))(
    '%s refuses a NUL in the id or in the query, naming where it is',
    async (_label, route) => {
      const response = await api().call(
        route.method,
        at(route, `${route.param?.valid ?? unknownId()}%00`),
        route.body,
      );
      expectProblem(response, 400, { code: 'invalid_request', field: `params.${paramOf(route.path)}` });
      const query = await api().call(route.method, `${at(route)}?q=%00`, route.body);
      expectProblem(query, 400, { code: 'invalid_request', field: 'querystring.q' });
    },
  );

  const withUnknown = withParam.filter((route) => unknownOf(route) !== undefined);
  it.each(withUnknown.map((route) => [label(route), route] as const))(
    '%s answers 404 for an unknown id',
    async (_label, route) => {
      expect(route.notFound, `${label(route)} needs notFound`).toBeDefined();
      expectProblem(
        await api().call(route.method, at(route, unknownOf(route)), route.body),
        404,
        route.notFound,
      );
    },
  );

  const changing = routes.filter((route) => route.method !== 'GET');
  it.each(changing.map((route) => [label(route), route] as const))(
    '%s refuses a text/plain body (what a page of another site can post) with 415, and a cross-site change with 403',
    async (_label, route) => {
      for (const payload of [JSON.stringify(route.body ?? {}), '']) {
        const response = await api().raw(route.method, at(route), payload, 'text/plain');
        expectProblem(response, 415, { code: 'unsupported_media_type' });
      }
      const forged = await api().host.http.inject({
        method: route.method,
        url: at(route),
        headers: { 'sec-fetch-site': 'cross-site' },
        ...(route.body === undefined ? {} : { payload: route.body as object }),
      });
      expectProblem(forged, 403, { code: 'cross_site_request' });
    },
  );

  it.each(routes.map((route) => [label(route), route] as const))(
    '%s: a method the path does not have is a 404 problem',
    async (_label, route) => {
      expectProblem(await api().call('PATCH', at(route)), 404, { code: 'no_route' });
    },
  );
}

export interface DocumentedOperation {
  tags?: string[];
  summary?: string;
  operationId?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

/**
 * Asserts that the OpenAPI document describes a module's routes completely: exactly `paths` under `prefix`,
 * each operation tagged with the module, summarised, named, with a success answer, and with its client errors
 * documented as problem+json (400 for input, 413 for a body, 409 for a command, 403 and 415 for a change).
 * Returns the operations for further checks.
 */
export async function expectDocumentedRoutes(
  api: TestHost,
  module: { name: string; description: string },
  prefix: string,
  paths: readonly string[],
): Promise<DocumentedOperation[]> {
  const response = await api.call('GET', '/openapi.json');
  expect(response.statusCode).toBe(200);
  const document = response.json<{
    openapi: string;
    tags: Array<{ name: string; description: string }>;
    paths: Record<string, Record<string, DocumentedOperation>>;
  }>();
  expect(document.openapi).toBe('3.1.0');
  expect(document.tags).toContainEqual({ name: module.name, description: module.description });
  expect(
    Object.keys(document.paths)
      .filter((path) => path.startsWith(prefix))
      .sort(),
  ).toEqual([...paths].sort());
  const operations = paths.flatMap((path) => Object.values(document.paths[path] ?? {}));
  for (const [method, operation] of paths.flatMap((path) => Object.entries(document.paths[path] ?? {}))) {
    // What a page of another site could send: a body that is not JSON, or a change from its page.
    if (['post', 'put', 'patch', 'delete'].includes(method)) {
      for (const status of ['403', '415']) {
        expect(operation.responses[status]?.content, `${operation.operationId} ${status}`).toHaveProperty([
          'application/problem+json',
        ]);
      }
    }
  }
  for (const operation of operations) {
    expect(operation.tags).toEqual([module.name]);
    expect(operation.summary).toBeTruthy();
    expect(operation.operationId).toBeTruthy();
    expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(true);
    if (operation.requestBody || operation.parameters?.length) {
      expect(operation.responses['400']?.content).toHaveProperty(['application/problem+json']);
    }
    if (operation.requestBody) {
      expect(operation.responses['413']?.content).toHaveProperty(['application/problem+json']);
    }
    // A command (204) can meet a state that does not allow it, or a concurrent change: both are 409.
    if (operation.responses['204']) {
      expect(operation.responses['409']?.content, operation.operationId).toHaveProperty([
        'application/problem+json',
      ]);
    }
  }
  return operations;
}
