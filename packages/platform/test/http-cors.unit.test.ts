import { createHttpServer, type HttpServer } from '@tessera/platform/http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KIOSK = 'https://kiosk.example.com';
const ELSEWHERE = 'https://elsewhere.example.net';

async function server(corsOrigins?: readonly string[]) {
  const app = await createHttpServer({
    logger: pino({ level: 'silent' }),
    title: 'Test',
    version: '1',
    rateLimit: { max: 2, windowMs: 60 * 60_000 },
    ...(corsOrigins ? { corsOrigins } : {}),
  });
  app.post('/api/things', { schema: { body: z.object({ name: z.string() }) } }, async (_request, reply) =>
    reply.status(201).header('location', '/api/things/1').send({ id: '1' }),
  );
  await app.ready();
  return app;
}

const preflight = (app: HttpServer, origin: string, remoteAddress = '198.51.100.1') =>
  app.inject({
    method: 'OPTIONS',
    url: '/api/things',
    remoteAddress,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,idempotency-key',
    },
  });

const create = (app: HttpServer, origin: string, remoteAddress = '198.51.100.1') =>
  app.inject({
    method: 'POST',
    url: '/api/things',
    remoteAddress,
    headers: { origin, 'content-type': 'application/json' },
    payload: { name: 'a' },
  });

const corsHeaders = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('CORS for the origins configured', () => {
  let app: HttpServer;

  beforeAll(async () => {
    app = await server([KIOSK, 'http://localhost:5173']);
  });
  afterAll(() => app.close());

  it("answers an allowed origin's preflight, allowing the method and the headers it asks for", async () => {
    const response = await preflight(app, KIOSK);
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': KIOSK,
      'access-control-allow-headers': 'content-type,idempotency-key',
      'access-control-max-age': '600',
    });
    expect(String(response.headers['access-control-allow-methods']).split(', ')).toContain('POST');
    expect(String(response.headers.vary)).toContain('Origin');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets an allowed origin read the answer, the headers a client needs included', async () => {
    const response = await create(app, KIOSK, '198.51.100.2');
    expect(response.statusCode).toBe(201);
    expect(response.headers['access-control-allow-origin']).toBe(KIOSK);
    const exposed = String(response.headers['access-control-expose-headers']).split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['location', 'retry-after', 'idempotent-replayed']));
    expect(String(response.headers.vary)).toContain('Origin');
  });

  it('lets it read an error too: a 429 from the rate limit, a 404', async () => {
    const client = '198.51.100.3';
    await create(app, KIOSK, client);
    await create(app, KIOSK, client);
    const limited = await create(app, KIOSK, client);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['access-control-allow-origin']).toBe(KIOSK);
    const missing = await app.inject({ method: 'GET', url: '/api/nothing', headers: { origin: KIOSK } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe(KIOSK);
  });

  it('answers preflights before the rate limit counts anything', async () => {
    const client = '198.51.100.4';
    for (let i = 0; i < 5; i++) expect((await preflight(app, KIOSK, client)).statusCode).toBe(204);
    expect((await create(app, KIOSK, client)).statusCode).toBe(201);
  });

  it('gives another origin no CORS header, on a preflight or a request', async () => {
    const origins = [ELSEWHERE, `${KIOSK}:8443`, 'http://kiosk.example.com', 'null'];
    for (const [i, origin] of origins.entries()) {
      const refused = await preflight(app, origin, `203.0.113.${10 + i}`);
      expect(refused.statusCode, origin).toBe(404);
      expect(corsHeaders(refused.headers), origin).toEqual([]);
      const answered = await create(app, origin, `203.0.113.${20 + i}`);
      expect(answered.statusCode, origin).toBe(201);
      expect(corsHeaders(answered.headers), origin).toEqual([]);
    }
  });
});

describe('CORS with no origins configured', () => {
  it('is off: same origin only, whoever asks', async () => {
    const app = await server();
    try {
      const refused = await preflight(app, KIOSK);
      expect(refused.statusCode).toBe(404);
      expect(corsHeaders(refused.headers)).toEqual([]);
      const answered = await create(app, KIOSK);
      expect(answered.statusCode).toBe(201);
      expect(corsHeaders(answered.headers)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
