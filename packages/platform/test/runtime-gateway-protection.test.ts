import { type IncomingHttpHeaders, request } from 'node:http';
import { createHttpServer } from '@tessera/platform/http';
import { createLogger } from '@tessera/platform/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createGateway, GatewayOptions } from '../src/runtime/gateway/gateway.js';
import { close, testGateway, upstream } from './support/upstream.js';

type Gateway = Awaited<ReturnType<typeof createGateway>>;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A request from a chosen loopback address (127.0.0.2, 127.0.0.3…: every 127.x address is this machine), so
 * that the gateway sees distinct clients. `chunked` sends the body in pieces, with no Content-Length.
 */
function send(
  url: string,
  options: {
    from?: string;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    chunked?: boolean;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.from ?? '127.0.0.1',
        headers: { ...options.headers, ...(options.chunked ? { 'transfer-encoding': 'chunked' } : {}) },
        agent: false,
      },
      (incoming) => {
        let body = '';
        incoming.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
        );
      },
    );
    outgoing.on('error', reject);
    const body = options.body ?? '';
    if (options.chunked)
      for (let at = 0; at < body.length; at += 256) outgoing.write(body.slice(at, at + 256));
    outgoing.end(options.chunked ? undefined : options.body);
  });
}

/** The gateway's abuse protections, in front of a small upstream that has none of its own. */
describe('the gateway protects the modules behind it', () => {
  let stores: Awaited<ReturnType<typeof upstream>>;
  const gateways: Gateway[] = [];

  /** A gateway in front of `stores`, listening on a free port; closed after the tests. */
  async function gatewayWith(options: Partial<GatewayOptions> = {}) {
    const started = await testGateway({
      services: new Map([['stores', stores.url]]),
      info: { title: 'Shop', version: '1' },
      ...options,
    });
    gateways.push(started.gateway);
    return started;
  }

  beforeAll(async () => {
    stores = await upstream('stores', { paths: ['/api/stores'] });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await close(stores.server);
  });

  it('adds security headers to its own answers and to proxied ones', async () => {
    const { url } = await gatewayWith();
    for (const path of ['/api/stores/s-1', '/liveness', '/docs/static/swagger-ui-bundle.js']) {
      const response = await fetch(`${url}${path}`);
      expect(response.ok, path).toBe(true);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(response.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      await response.arrayBuffer();
    }
    expect(stores.seen.at(-1)?.url).toBe('/api/stores/s-1');
  });

  it('limits each client address: 429 problem+json with Retry-After, the request not passed on', async () => {
    const { url } = await gatewayWith({ rateLimit: { max: 2, windowMs: 60 * 60_000 } });
    for (const from of ['127.0.0.2', '127.0.0.3']) {
      for (let i = 0; i < 2; i++) {
        expect((await send(`${url}/api/stores/limited-${from}`, { from })).status).toBe(201);
      }
      const over = await send(`${url}/api/stores/over-${from}`, { from });
      expect(over.status).toBe(429);
      expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(over.body)).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Probes are never limited.
      for (const path of ['/liveness', '/readiness'])
        expect((await send(`${url}${path}`, { from })).status).toBe(200);
    }
    const passed = stores.seen.map((seen) => seen.url);
    expect(passed.filter((path) => path.startsWith('/api/stores/limited-'))).toHaveLength(4);
    expect(passed.filter((path) => path.startsWith('/api/stores/over-'))).toEqual([]);
  });

  it('tells the upstream who asked as it saw it, not what the client wrote', async () => {
    const { url } = await gatewayWith();
    const forged = {
      'x-forwarded-for': '198.51.100.66',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    };
    expect((await send(`${url}/api/stores/forged`, { from: '127.0.0.2', headers: forged })).status).toBe(201);
    expect(stores.seen.at(-1)?.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.2',
      'x-forwarded-host': new URL(url).host,
      'x-forwarded-proto': 'http',
    });
  });

  it('believes the X-Forwarded-For of a load balancer it is told to, and limits its clients apart', async () => {
    const balancer = '127.0.0.4';
    const { url } = await gatewayWith({
      trustProxy: [balancer],
      rateLimit: { max: 1, windowMs: 60 * 60_000 },
    });
    const via = (client: string, path: string) =>
      send(`${url}${path}`, { from: balancer, headers: { 'x-forwarded-for': client } });
    expect((await via('198.51.100.1', '/api/stores/balanced-1')).status).toBe(201);
    expect(stores.seen.at(-1)?.headers['x-forwarded-for']).toBe(`198.51.100.1, ${balancer}`);
    expect((await via('198.51.100.1', '/api/stores/balanced-2')).status).toBe(429);
    expect((await via('198.51.100.2', '/api/stores/balanced-3')).status).toBe(201);
  });

  it('refuses a body over HTTP_BODY_LIMIT with 413 problem+json, without passing it on', async () => {
    const limit = 1024;
    const { url } = await gatewayWith({ bodyLimit: limit });
    for (const chunked of [false, true]) {
      const post = (path: string, size: number) =>
        send(`${url}/api/stores/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ padding: 'x'.repeat(size - '{"padding":""}'.length) }),
          chunked,
        });
      const fits = await post(`fits-${chunked}`, limit);
      expect(fits.status, `chunked: ${chunked}`).toBe(201);
      expect(stores.seen.at(-1)).toMatchObject({ url: `/api/stores/fits-${chunked}` });
      expect(stores.seen.at(-1)!.body).toHaveLength(limit);

      const over = await post(`over-${chunked}`, limit + 1);
      expect(over.status, `chunked: ${chunked}`).toBe(413);
      expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(over.body)).toMatchObject({ status: 413, code: 'body_too_large' });
      expect(over.headers.connection, 'the rest of the body is not read').toBe('close');
    }
    expect(stores.seen.filter((seen) => seen.url.startsWith('/api/stores/over-'))).toEqual([]);
  });

  it("answers the allowed origins' preflights, and lets them read what the modules answer", async () => {
    const kiosk = 'https://kiosk.example.com';
    const { url } = await gatewayWith({ corsOrigins: [kiosk] });
    const preflight = (origin: string, path: string) =>
      send(`${url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT' },
      });
    const allowed = await preflight(kiosk, '/api/stores/cors-preflight');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(kiosk);
    expect(allowed.headers['access-control-allow-methods']).toContain('PUT');
    expect(stores.seen.some((seen) => seen.url === '/api/stores/cors-preflight')).toBe(false);

    const read = await send(`${url}/api/stores/cors-read`, { headers: { origin: kiosk } });
    expect(read.status).toBe(201);
    expect(read.headers['x-upstream'], "the answer is the module's").toBe('stores');
    expect(read.headers['access-control-allow-origin']).toBe(kiosk);
    expect(read.headers['access-control-expose-headers']).toContain('location');

    const elsewhere = 'https://elsewhere.example.net';
    const refused = await preflight(elsewhere, '/api/stores/cors-refused');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-methods']).toBeUndefined();
    const unread = await send(`${url}/api/stores/cors-unread`, { headers: { origin: elsewhere } });
    expect(unread.status).toBe(201);
    expect(Object.keys(unread.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it("lets a module behind it limit each client, from the gateway's X-Forwarded-For", async () => {
    const module = await createHttpServer({
      logger: createLogger({ level: 'silent', format: 'json', name: 'module-test' }),
      title: 'Stores',
      version: '1',
      rateLimit: { max: 1, windowMs: 60 * 60_000 },
      trustProxy: ['loopback'],
    });
    module.get('/api/stores/:id', async () => ({ ok: true }));
    const moduleUrl = await module.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { url } = await gatewayWith({ services: new Map([['stores', moduleUrl]]) });
      for (const from of ['127.0.0.2', '127.0.0.3']) {
        expect((await send(`${url}/api/stores/1`, { from })).status, from).toBe(200);
        // Another's address written in front of its own does not give a client a new budget.
        const headers = { 'x-forwarded-for': '198.51.100.77' };
        const over = await send(`${url}/api/stores/1`, { from, headers });
        expect(over.status, from).toBe(429);
        expect(JSON.parse(over.body)).toMatchObject({ code: 'rate_limited' });
      }
    } finally {
      await module.close();
    }
  });
});
