import { createHttpServer, type HttpServer, restRoutes } from '@tessera/platform/http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * A module's routes declared with `restRoutes`, mounted under an application's prefix as the host mounts them:
 * what they answer, and what the OpenAPI document says they answer. `inject` opens no socket.
 */
describe('restRoutes', () => {
  let app: HttpServer;
  const things = new Map<string, string>();

  beforeAll(async () => {
    app = await createHttpServer({ logger: pino({ level: 'silent' }), title: 'Test', version: 'test' });
    await app.register(
      async (scoped) => {
        const rest = restRoutes(scoped as HttpServer, {
          tags: ['things'],
          problems: { notFound: 'No thing with that ID', conflict: 'The thing cannot change now' },
        });
        const id = z.object({ id: z.uuid() });
        rest.post('/api/things', 'createThing', {
          audience: 'anyone',
          summary: 'Makes a thing',
          body: z.object({ name: z.string().min(1) }),
          created: 'Made',
          handler: async (request) => {
            const made = crypto.randomUUID();
            things.set(made, request.body.name);
            return { id: made };
          },
        });
        rest.get('/api/things/:id', 'getThing', {
          audience: 'anyone',
          summary: 'A thing',
          params: id,
          ok: z.object({ id: z.uuid(), name: z.string() }),
          handler: async (request) => ({ id: request.params.id, name: things.get(request.params.id) ?? '?' }),
        });
        rest.put('/api/things/:id/name', 'renameThing', {
          audience: 'anyone',
          summary: 'Renames a thing',
          params: id,
          body: z.object({ name: z.string().min(1) }),
          noContent: 'The thing has its new name',
          handler: async (request) => things.set(request.params.id, request.body.name),
        });
      },
      { prefix: '/app' },
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers 201 with a Location under the prefix, 200 with the declared body, 204 for a command', async () => {
    const created = await app.inject({ method: 'POST', url: '/app/api/things', payload: { name: 'lamp' } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(created.headers.location).toBe(`/app/api/things/${id}`);
    const renamed = await app.inject({
      method: 'PUT',
      url: `/app/api/things/${id}/name`,
      payload: { name: 'desk' },
    });
    expect(renamed.statusCode).toBe(204);
    expect(renamed.body).toBe('');
    const read = await app.inject({ method: 'GET', url: created.headers.location as string });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ id, name: 'desk' });
  });

  it('refuses bad input with a problem naming the field', async () => {
    const bad = await app.inject({ method: 'POST', url: '/app/api/things', payload: { name: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.json())).toContain('name');
    const badId = await app.inject({ method: 'GET', url: '/app/api/things/not-a-uuid' });
    expect(badId.statusCode).toBe(400);
  });

  it('documents each route with its tags, its success answer and the problems of its kind', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const codes = (path: string, method: string) =>
      Object.keys(document.paths[path][method].responses).sort();
    // A change also documents what a page of another site could send it: 403 and 415 (forgery.ts).
    expect(codes('/app/api/things', 'post')).toEqual(['201', '400', '403', '413', '415']);
    expect(codes('/app/api/things/{id}', 'get')).toEqual(['200', '400', '404']);
    expect(codes('/app/api/things/{id}/name', 'put')).toEqual([
      '204',
      '400',
      '403',
      '404',
      '409',
      '413',
      '415',
    ]);
    const get = document.paths['/app/api/things/{id}'].get;
    expect(get.tags).toEqual(['things']);
    expect(get.operationId).toBe('getThing');
    expect(get.responses['404'].description).toBe('No thing with that ID');
  });
});
