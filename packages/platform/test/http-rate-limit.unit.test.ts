import { createHttpServer, type HttpServer, rateLimitKey } from '@tessera/platform/http';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

/** A window no test outlives: a budget spent stays spent for the whole file. */
const WINDOW_MS = 60 * 60_000;
const MAX = 3;

/** Stands in for the authentication another hook does: `x-test-subject` names the caller. */
function authenticateFromHeader(app: HttpServer) {
  app.addHook('onRequest', async (request) => {
    const subject = request.headers['x-test-subject'];
    if (typeof subject === 'string') Object.assign(request, { principal: { subject } });
  });
}

describe('rate limits', () => {
  let app: HttpServer;
  let address = 0;
  /** An address no other test has used. */
  const freshAddress = () => `203.0.113.${++address}`;
  const get = (url: string, remoteAddress: string, subject?: string) =>
    app.inject({
      method: 'GET',
      url,
      remoteAddress,
      headers: subject ? { 'x-test-subject': subject } : {},
    });
  /** Spends an address's (or caller's) whole budget on successful requests. */
  async function spend(remoteAddress: string, subject?: string) {
    for (let i = 0; i < MAX; i++) {
      const response = await get('/api/things', remoteAddress, subject);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-ratelimit-limit']).toBe(String(MAX));
      expect(response.headers['x-ratelimit-remaining']).toBe(String(MAX - i - 1));
    }
  }

  beforeAll(async () => {
    app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      title: 'Test',
      version: '1',
      rateLimit: { max: MAX, windowMs: WINDOW_MS },
    });
    authenticateFromHeader(app);
    app.get('/api/things', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({
      ok: true,
    }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers 429 problem+json with Retry-After once a client is over the limit', async () => {
    const client = freshAddress();
    await spend(client);
    const response = await get('/api/things', client);
    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      code: 'rate_limited',
      instance: '/api/things',
    });
    expect(response.json().detail).toMatch(/^more than 3 requests in 3600 s; retry in /);
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(response.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('gives each address a budget of its own', async () => {
    const [first, second] = [freshAddress(), freshAddress()];
    await spend(first);
    expect((await get('/api/things', first)).statusCode).toBe(429);
    await spend(second);
    expect((await get('/api/things', second)).statusCode).toBe(429);
  });

  it('never limits health, readiness and metrics (scrapers call often from one address)', async () => {
    const scraper = freshAddress();
    await spend(scraper);
    for (let i = 0; i < MAX * 3; i++) {
      for (const url of ['/liveness', '/readiness', '/metrics']) {
        const response = await get(url, scraper);
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['x-ratelimit-limit'], url).toBeUndefined();
      }
    }
    expect((await get('/api/things', scraper)).statusCode).toBe(429);
  });

  it('counts requests for paths that do not exist (a scanner is limited too)', async () => {
    const scanner = freshAddress();
    for (let i = 0; i < MAX; i++) expect((await get(`/wp-admin/${i}.php`, scanner)).statusCode).toBe(404);
    const over = await get('/wp-admin/again.php', scanner);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'rate_limited' });
  });

  it('gives an authenticated caller one budget wherever it calls from, apart from its address', async () => {
    const [office, home] = [freshAddress(), freshAddress()];
    await spend(office, 'alice');
    // Alice's budget follows her to another address…
    expect((await get('/api/things', home, 'alice')).statusCode).toBe(429);
    // …and neither the address she used nor another caller there shares it.
    await spend(office);
    await spend(office, 'bob');
    expect((await get('/api/things', office, 'bob')).statusCode).toBe(429);
  });
});

describe('rate limits behind a proxy', () => {
  const PROXY = '10.0.0.2';
  const limitedServer = (trustProxy?: readonly string[]) =>
    createHttpServer({
      logger: pino({ level: 'silent' }),
      title: 'Test',
      version: '1',
      rateLimit: { max: 1, windowMs: WINDOW_MS },
      ...(trustProxy ? { trustProxy } : {}),
    });
  const through = (app: HttpServer, forwardedFor: string, remoteAddress = PROXY) =>
    app.inject({
      method: 'GET',
      url: '/openapi.json',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('count each client by the address the believed proxy saw, whatever a client wrote before it', async () => {
    const app = await limitedServer(['10.0.0.0/8']);
    try {
      expect((await through(app, '198.51.100.1')).statusCode).toBe(200);
      expect((await through(app, '198.51.100.1')).statusCode).toBe(429);
      expect((await through(app, '198.51.100.2')).statusCode).toBe(200);
      // A client that writes another's address in front of its own still spends its own budget.
      expect((await through(app, '198.51.100.3, 198.51.100.2')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('ignore X-Forwarded-For from anyone not named: a client cannot pick its budget', async () => {
    for (const app of [await limitedServer(), await limitedServer(['10.0.0.0/8'])]) {
      try {
        const direct = '203.0.113.50';
        expect((await through(app, '198.51.100.1', direct)).statusCode).toBe(200);
        expect((await through(app, '198.51.100.2', direct)).statusCode).toBe(429);
      } finally {
        await app.close();
      }
    }
  });
});

describe('the rate-limit key', () => {
  const request = (ip: string, principal?: unknown) => ({ ip, principal }) as unknown as FastifyRequest;

  it("is the authenticated caller's subject when there is one, else the address", () => {
    expect(rateLimitKey(request('198.51.100.7', { subject: 'alice' }))).toBe('caller:alice');
    expect(rateLimitKey(request('198.51.100.7'))).toBe('address:198.51.100.7');
    // Anything but a subject string is no caller.
    expect(rateLimitKey(request('198.51.100.7', null))).toBe('address:198.51.100.7');
    expect(rateLimitKey(request('198.51.100.7', { subject: '' }))).toBe('address:198.51.100.7');
    expect(rateLimitKey(request('198.51.100.7', { subject: 42 }))).toBe('address:198.51.100.7');
  });

  it("keeps a subject that looks like an address apart from that address's budget", () => {
    expect(rateLimitKey(request('198.51.100.7', { subject: '198.51.100.7' }))).not.toBe(
      rateLimitKey(request('198.51.100.7')),
    );
  });

  it('takes an IPv4 address mapped into IPv6 as itself, and an IPv6 address by its /64', () => {
    expect(rateLimitKey(request('::ffff:198.51.100.7'))).toBe('address:198.51.100.7');
    expect(rateLimitKey(request('2001:db8:1:2:aaaa::1'))).toBe(rateLimitKey(request('2001:db8:1:2:bbbb::2')));
    expect(rateLimitKey(request('2001:db8:1:2::1'))).not.toBe(rateLimitKey(request('2001:db8:1:3::1')));
  });
});

describe('a server without a rate limit', () => {
  it('answers every request', async () => {
    const app = await createHttpServer({ logger: pino({ level: 'silent' }), title: 'T', version: '1' });
    try {
      for (let i = 0; i < 20; i++) {
        const response = await app.inject({ method: 'GET', url: '/openapi.json' });
        expect(response.statusCode).toBe(200);
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await app.close();
    }
  });
});
