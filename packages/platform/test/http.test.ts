import { Readable } from 'node:stream';
import { failedPrecondition, invalidArgument, notFound } from '@tessera/platform/ddd';
import { ConcurrencyError } from '@tessera/platform/eventstore';
import { createHttpServer, type HttpServer, httpStatusOf, problemResponse } from '@tessera/platform/http';
import { grpcCodeOf } from '@tessera/platform/rpc';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

let app: HttpServer;
let ready = true;
let polished = 0;

beforeAll(async () => {
  app = await createHttpServer({
    logger: pino({ level: 'silent' }),
    title: 'Test',
    version: '1.0.0',
    bodyLimit: 1024,
    readiness: { dependency: async () => ready },
  });
  app.post(
    '/api/things/:id',
    {
      schema: {
        tags: ['things'],
        params: z.object({ id: z.uuid() }),
        body: z.strictObject({ name: z.string().min(1), size: z.number().int().positive() }),
        response: { 200: z.object({ ok: z.boolean() }), 400: problemResponse('The request is invalid') },
      },
    },
    async (request) => {
      const { name } = request.body;
      if (name === 'missing') throw notFound('thing_not_found', 'thing with that ID does not exist');
      if (name === 'twice') throw failedPrecondition('thing_already_done', 'the thing is already done');
      if (name === 'blank')
        throw invalidArgument('thing_name_blank', 'the thing name cannot be blank', 'name');
      if (name === 'race') throw new ConcurrencyError('thing-1', 3, 4);
      if (name === 'bug') throw new Error('database password is hunter2');
      if (name === 'crowded') {
        throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
      }
      return { ok: true };
    },
  );
  app.post(
    '/api/things/:id/polish',
    { schema: { params: z.object({ id: z.string() }), response: { 204: z.undefined() } } },
    async (_request, reply) => {
      polished++;
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/things/:id/notes',
    {
      schema: {
        params: z.object({ id: z.string() }),
        querystring: z.object({ about: z.string().optional() }).loose(),
      },
    },
    async () => ({ notes: [] }),
  );
  app.get(
    '/api/things/:id/owner',
    {
      schema: {
        params: z.object({ id: z.string() }),
        response: {
          200: z
            .object({ owner: z.object({ name: z.string() }).meta({ id: 'ThingOwner' }) })
            .meta({ id: 'OwnedThing' }),
        },
      },
    },
    async () => ({ owner: { name: 'Ada' } }),
  );
  await app.ready();
});
afterAll(() => app.close());

const id = '7b0c3a7e-8f2d-4a52-9f4e-1c2d3e4f5a6b';
const post = (body: string, contentType = 'application/json', path = `/api/things/${id}`) =>
  app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': contentType } });

function expectProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json() as {
    status: number;
    title: string;
    detail: string;
    code?: string;
    errors?: Array<{ field: string }>;
  };
  expect(body.status).toBe(status);
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  return body;
}

describe('HTTP errors are problem+json naming the field or rule', () => {
  it('accepts a valid request', async () => {
    const response = await post(JSON.stringify({ name: 'ok', size: 2 }));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });

  it('malformed JSON is 400', async () => {
    const body = expectProblem(await post('{"name": "x",'), 400);
    expect(body.code).toBe('malformed_json');
    expect(body.errors?.[0]?.field).toBe('body');
  });

  it('a wrong type is 400 naming the field', async () => {
    const body = expectProblem(await post(JSON.stringify({ name: 'x', size: 'big' })), 400);
    expect(body.errors?.map((e) => e.field)).toEqual(['body.size']);
    expect(body.code).toBe('invalid_request');
  });

  it('a missing field is 400 naming it', async () => {
    const body = expectProblem(await post(JSON.stringify({ size: 1 })), 400);
    expect(body.errors?.map((e) => e.field)).toEqual(['body.name']);
  });

  it('an unknown field is 400 naming it', async () => {
    const body = expectProblem(await post(JSON.stringify({ name: 'x', size: 1, colour: 'red' })), 400);
    expect(body.errors?.[0]?.field).toBe('body.colour');
    expect(body.detail).toContain('colour');
  });

  it('a malformed id in the path is 400 naming the parameter', async () => {
    const body = expectProblem(
      await post(JSON.stringify({ name: 'x', size: 1 }), 'application/json', '/api/things/42'),
      400,
    );
    expect(body.errors?.[0]?.field).toBe('params.id');
  });

  it('an oversized body is 413', async () => {
    const body = expectProblem(await post(JSON.stringify({ name: 'x'.repeat(2000), size: 1 })), 413);
    expect(body.code).toBe('body_too_large');
  });

  it('an oversized body sent without a length is 413 too, once it grows past the limit', async () => {
    const json = JSON.stringify({ name: 'x'.repeat(2000), size: 1 });
    const response = await app.inject({
      method: 'POST',
      url: `/api/things/${id}`,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      payload: Readable.from([json.slice(0, 1000), json.slice(1000)]),
    });
    expect(expectProblem(response, 413).code).toBe('body_too_large');
  });

  it('a body that is not JSON is 415', async () => {
    expectProblem(await post('name=x', 'application/x-www-form-urlencoded'), 415);
  });

  it('an empty JSON body is 400', async () => {
    expectProblem(await post(''), 400);
  });

  it('an unknown route is 404', async () => {
    const body = expectProblem(await app.inject({ method: 'GET', url: '/api/nowhere' }), 404);
    expect(body.code).toBe('no_route');
  });

  it('domain errors keep their message and code, with the status of their kind', async () => {
    expect(expectProblem(await post(JSON.stringify({ name: 'missing', size: 1 })), 404)).toMatchObject({
      code: 'thing_not_found',
      detail: 'thing with that ID does not exist',
    });
    // A failed precondition is a conflict with the thing's state, not a bad request.
    expect(expectProblem(await post(JSON.stringify({ name: 'twice', size: 1 })), 409)).toMatchObject({
      code: 'thing_already_done',
    });
    expect(expectProblem(await post(JSON.stringify({ name: 'blank', size: 1 })), 400)).toMatchObject({
      errors: [{ field: 'body.name', message: 'the thing name cannot be blank' }],
    });
    expect(expectProblem(await post(JSON.stringify({ name: 'race', size: 1 })), 409)).toMatchObject({
      code: 'concurrent_modification',
    });
  });

  it('a database out of connections is 503 with Retry-After, not 500', async () => {
    const response = await post(JSON.stringify({ name: 'crowded', size: 1 }));
    const body = expectProblem(response, 503);
    expect(response.headers['retry-after']).toBe('1');
    expect(body.detail).toBe('the database cannot take more work right now; retry shortly');
  });

  it('an unexpected error is 500 without its internals', async () => {
    const response = await post(JSON.stringify({ name: 'bug', size: 1 }));
    const body = expectProblem(response, 500);
    expect(response.body).not.toContain('hunter2');
    expect(body.detail).toBe('the server failed to handle the request');
  });
});

describe('text that storage cannot hold is a 400 naming where it is', () => {
  const notes = (path: string) => app.inject({ method: 'GET', url: path });

  it.each([
    ['a NUL', '{"name": "a\\u0000b", "size": 1}', 'body.name'],
    ['a lone high surrogate', '{"name": "a\\ud800b", "size": 1}', 'body.name'],
    ['a lone low surrogate', '{"name": "\\udc00", "size": 1}', 'body.name'],
    ['a NUL in a field name', '{"name": "x", "size": 1, "a\\u0000": 1}', 'body.a\ufffd'],
  ])('in the body: %s', async (_what, body, field) => {
    const problem = expectProblem(await post(body), 400);
    expect(problem.code).toBe('invalid_request');
    expect(problem.errors?.map((error) => error.field)).toEqual([field]);
  });

  it('in a nested body field, named by its path', async () => {
    const nested = await app.inject({
      method: 'POST',
      url: `/api/things/${id}`,
      payload: { name: 'x', size: 1, tags: ['ok', { label: 'a\u0000' }] },
    });
    expect(expectProblem(nested, 400).errors?.map((error) => error.field)).toEqual(['body.tags.1.label']);
  });

  it('in a path parameter', async () => {
    const problem = expectProblem(await notes('/api/things/a%00b/notes'), 400);
    expect(problem.errors).toEqual([{ field: 'params.id', message: expect.stringContaining('NUL') }]);
    expect(problem.detail).toContain('params.id');
  });

  it('in a query value, declared or not', async () => {
    for (const [query, field] of [
      ['about=a%00b', 'querystring.about'],
      ['other=%00', 'querystring.other'],
    ] as const) {
      const problem = expectProblem(await notes(`/api/things/1/notes?${query}`), 400);
      expect(problem.errors?.map((error) => error.field)).toEqual([field]);
    }
  });

  it('lets any other text through, characters outside the BMP included', async () => {
    expect((await post(JSON.stringify({ name: 'caf\u00e9 \u{1f600} \u0001', size: 1 }))).statusCode).toBe(
      200,
    );
    expect((await notes('/api/things/caf%C3%A9/notes?about=%F0%9F%98%80')).statusCode).toBe(200);
  });
});

describe('a change a page of another site could ask for is refused (CSRF)', () => {
  const polish = (headers: Record<string, string>, payload?: string) =>
    app.inject({
      method: 'POST',
      url: `/api/things/${id}/polish`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });

  it('415 for a body that is not JSON, text/plain included, on a route with a body', async () => {
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=x']) {
      const body = expectProblem(await post(JSON.stringify({ name: 'ok', size: 1 }), type), 415);
      expect(body.code).toBe('unsupported_media_type');
    }
  });

  it('415 for a declared content type other than JSON on a route with no body, even an empty one', async () => {
    const before = polished;
    for (const [type, payload] of [
      ['text/plain', 'polish it'],
      ['text/plain', ''],
      ['application/x-www-form-urlencoded', ''],
    ] as const) {
      expect(expectProblem(await polish({ 'content-type': type }, payload), 415).code).toBe(
        'unsupported_media_type',
      );
    }
    expect(polished).toBe(before);
  });

  it('403 for a change a browser sends from another site, whatever its body', async () => {
    const before = polished;
    const body = expectProblem(await polish({ 'sec-fetch-site': 'cross-site' }), 403);
    expect(body.code).toBe('cross_site_request');
    expect(polished).toBe(before);
  });

  it('takes JSON, no body at all, and what a browser sends from the same site', async () => {
    const before = polished;
    expect((await polish({})).statusCode).toBe(204);
    expect((await polish({ 'content-type': 'application/json' }, '{}')).statusCode).toBe(204);
    expect((await polish({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(204);
    expect((await polish({ 'sec-fetch-site': 'none' })).statusCode).toBe(204);
    expect(polished).toBe(before + 4);
    // Reading is not a change: a cross-site page may link to it.
    const read = await app.inject({
      method: 'GET',
      url: '/api/things/1/notes',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(read.statusCode).toBe(200);
  });

  it('documents both refusals on every route that changes something', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const path of ['/api/things/{id}', '/api/things/{id}/polish']) {
      expect(Object.keys(doc.paths[path]!.post!.responses)).toEqual(expect.arrayContaining(['403', '415']));
    }
    expect(Object.keys(doc.paths['/api/things/{id}/notes']!.get!.responses)).not.toContain('415');
  });
});

describe('documentation and health', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, { post?: { requestBody?: unknown; parameters?: Array<{ name: string }> } }>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operation = doc.paths['/api/things/{id}']?.post;
    expect(operation?.parameters?.map((p) => p.name)).toEqual(['id']);
    expect(JSON.stringify(operation?.requestBody)).toContain('"size"');
    expect(Object.keys(doc.paths)).not.toContain('/liveness');
    // Error responses share one Problem schema instead of repeating it.
    const raw = JSON.stringify(doc);
    expect(raw).toContain('"$ref":"#/components/schemas/Problem"');
    expect(
      (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas.Problem,
    ).toBeDefined();
  });

  it('keeps every shared schema a route refers to, those inside another shared schema too', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      components: { schemas: Record<string, unknown> };
    };
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(
      (ref) => ref[1]!,
    );
    expect(refs).toEqual(expect.arrayContaining(['OwnedThing', 'ThingOwner']));
    for (const name of refs) expect(doc.components.schemas[name], name).toBeDefined();
  });

  it('redirects / to Swagger UI', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/docs');
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('exposes Prometheus metrics, with request durations by route pattern', async () => {
    await post(JSON.stringify({ name: 'ok', size: 2 }));
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/things/:id",status="200"}',
    );
    expect(response.body).toContain('process_cpu_seconds_total');
  });

  it('answers liveness always and readiness per its checks', async () => {
    expect((await app.inject({ method: 'GET', url: '/liveness' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readiness' })).json()).toEqual({
      status: 'ready',
      checks: { dependency: true },
    });
    ready = false;
    const notReady = await app.inject({ method: 'GET', url: '/readiness' });
    expect(notReady.statusCode).toBe(503);
    ready = true;
  });
});

describe('error kinds map to HTTP and gRPC, each in its transport', () => {
  it('maps each kind', () => {
    expect([httpStatusOf.invalid_argument, grpcCodeOf.invalid_argument]).toEqual([400, 3]);
    expect([httpStatusOf.not_found, grpcCodeOf.not_found]).toEqual([404, 5]);
    expect([httpStatusOf.failed_precondition, grpcCodeOf.failed_precondition]).toEqual([409, 9]);
    expect([httpStatusOf.conflict, grpcCodeOf.conflict]).toEqual([409, 10]);
    expect([httpStatusOf.already_exists, grpcCodeOf.already_exists]).toEqual([409, 6]);
  });
});
