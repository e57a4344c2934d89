import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createGateway } from '../src/runtime/gateway/gateway.js';
import { close, testGateway, upstream } from './support/upstream.js';

interface MergedDocument {
  paths: object;
  components: { schemas: object };
  tags: Array<{ name: string }>;
  info: { title: string; version: string; description: string };
}

describe('the gateway', () => {
  let stores: Awaited<ReturnType<typeof upstream>>;
  let cosec: Awaited<ReturnType<typeof upstream>>;
  let gatewayUrl: string;
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  const down = 'http://127.0.0.1:1'; // nothing listens on port 1

  beforeAll(async () => {
    stores = await upstream('stores', { paths: ['/api/stores', '/api/stores/{id}', '/admin/messaging/lag'] });
    cosec = await upstream('cosec', { paths: ['/admin/sagas/{saga}/{id}', '/asyncapi.json'] });
    ({ gateway, url: gatewayUrl } = await testGateway({
      services: new Map([
        ['stores', stores.url],
        ['cosec', cosec.url],
        ['payments', down],
      ]),
      info: { title: 'MallBots', version: '9.9.9' },
    }));
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([close(stores.server), close(cosec.server)]);
  });

  it("passes a request through to its module's process: method, path, query, headers, body", async () => {
    const body = JSON.stringify({ name: 'Corner Shop', location: 'Level 1' });
    const response = await fetch(`${gatewayUrl}/api/stores/s-1/products?limit=5&x=%20y`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': 'key-123',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-correlation-id': 'corr-1',
      },
      body,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-upstream')).toBe('stores');
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(await response.json()).toEqual({
      upstream: 'stores',
      url: '/api/stores/s-1/products?limit=5&x=%20y',
    });
    const [request] = stores.seen.filter(({ url }) => url.startsWith('/api/stores/s-1'));
    expect(request).toMatchObject({ method: 'POST', body });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'key-123',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-correlation-id': 'corr-1',
      'x-forwarded-for': '127.0.0.1',
    });
    expect(request!.headers['x-forwarded-host']).toBe(new URL(gatewayUrl).host);
  });

  it("passes the upstream's status and body back as they are, an error included", async () => {
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const response = await fetch(`${gatewayUrl}/api/stores/missing`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ upstream: 'stores', url: '/api/stores/missing' });
    }
    expect(
      stores.seen.filter(({ url }) => url === '/api/stores/missing').map(({ method }) => method),
    ).toEqual(['GET', 'DELETE', 'PUT']);
    const bare = await fetch(`${gatewayUrl}/api/stores`);
    expect(await bare.json()).toEqual({ upstream: 'stores', url: '/api/stores' });
  });

  it("routes /admin/<module>/... to that process's /admin/...", async () => {
    const response = await fetch(`${gatewayUrl}/admin/cosec/sagas/cosec.CreateOrder/o-1?full=1`);
    expect(await response.json()).toEqual({
      upstream: 'cosec',
      url: '/admin/sagas/cosec.CreateOrder/o-1?full=1',
    });
  });

  it('answers 502 problem+json naming the module when its process does not answer', async () => {
    const response = await fetch(`${gatewayUrl}/api/payments/p-1`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { detail: string };
    expect(problem).toMatchObject({ status: 502, code: 'upstream_unavailable' });
    expect(problem.detail).toContain('the payments service did not answer');
  });

  it('answers 404 problem+json for a module it does not know', async () => {
    for (const path of ['/api/warehouse/1', '/admin/warehouse/lag', '/elsewhere']) {
      const response = await fetch(`${gatewayUrl}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json(), path).toMatchObject({ status: 404, code: 'no_route' });
    }
  });

  it('answers what its own server refuses as problem+json: a URL or headers too large, a bad path', async () => {
    for (const [request, status, code] of [
      [fetch(`${gatewayUrl}/api/stores/1?q=${'a'.repeat(20_000)}`), 414, 'uri_too_long'],
      [
        fetch(`${gatewayUrl}/api/stores/1`, { headers: { 'x-big': 'a'.repeat(20_000) } }),
        431,
        'headers_too_large',
      ],
      [fetch(`${gatewayUrl}/api/stores/%zz`), 400, 'malformed_url'],
    ] as const) {
      const response = await request;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status, code });
    }
    expect(stores.seen.some(({ url }) => url.includes('%zz'))).toBe(false);
  });

  it("merges every process's OpenAPI document into one, admin paths under /admin/<module>", async () => {
    for (const path of ['/openapi.json', '/docs/json']) {
      const response = await fetch(`${gatewayUrl}${path}`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as MergedDocument;
      expect(Object.keys(document.paths)).toEqual([
        '/admin/cosec/sagas/{saga}/{id}',
        '/admin/stores/messaging/lag',
        '/api/stores',
        '/api/stores/{id}',
      ]);
      expect(Object.keys(document.components.schemas).sort()).toEqual([
        'Problem',
        'cosecThing',
        'storesThing',
      ]);
      expect(document.tags.map((tag) => tag.name)).toEqual(['stores', 'admin', 'cosec']);
      expect(document.info).toMatchObject({ title: 'MallBots', version: '9.9.9' });
      expect(document.info.description).toContain('Not answering now, so not shown: payments.');
    }
    const ui = await fetch(`${gatewayUrl}/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('is ready only when every upstream is', async () => {
    expect((await fetch(`${gatewayUrl}/liveness`)).status).toBe(200);
    const response = await fetch(`${gatewayUrl}/readiness`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not ready',
      checks: { stores: true, cosec: true, payments: false },
    });
    const { gateway: all } = await testGateway({
      services: new Map([['stores', stores.url]]),
      info: { title: 'MallBots', version: '1' },
    });
    try {
      const reply = await all.inject({ method: 'GET', url: '/readiness' });
      expect(reply.statusCode).toBe(200);
    } finally {
      await all.close();
    }
  });
});

describe('the gateway in front of an application under a path prefix', () => {
  let root: Awaited<ReturnType<typeof upstream>>;
  let loans: Awaited<ReturnType<typeof upstream>>;
  let gatewayUrl: string;
  let gateway: Awaited<ReturnType<typeof createGateway>>;

  beforeAll(async () => {
    root = await upstream('stores', { paths: ['/api/stores'] });
    loans = await upstream('loans', {
      paths: ['/bank/api/loans/{id}', '/bank/admin/sagas', '/admin/messaging/lag'],
    });
    ({ gateway, url: gatewayUrl } = await testGateway({
      services: new Map([
        ['stores', root.url],
        ['loans', loans.url],
      ]),
      prefixes: new Map([['loans', '/bank']]),
      info: { title: 'Two', version: '1' },
      landingPage: '<!doctype html><title>two</title>',
    }));
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([close(root.server), close(loans.server)]);
  });

  it('sends <prefix>/api/<module> to that module unchanged, and only under its own prefix', async () => {
    const response = await fetch(`${gatewayUrl}/bank/api/loans/l-1?x=1`);
    expect(response.status).toBe(201);
    expect(loans.seen.at(-1)?.url).toBe('/bank/api/loans/l-1?x=1');
    const wrong = await fetch(`${gatewayUrl}/api/loans/l-1`);
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { detail: string }).detail).toContain('known: stores');
    expect((await fetch(`${gatewayUrl}/bank/api/stores`)).status).toBe(404);
  });

  it("sends <prefix>/admin/<module> to that process's <prefix>/admin, and /admin/<module> to its platform routes", async () => {
    expect((await fetch(`${gatewayUrl}/bank/admin/loans/sagas?limit=1`)).status).toBe(201);
    expect(loans.seen.at(-1)?.url).toBe('/bank/admin/sagas?limit=1');
    expect((await fetch(`${gatewayUrl}/admin/loans/messaging/lag`)).status).toBe(201);
    expect(loans.seen.at(-1)?.url).toBe('/admin/messaging/lag');
  });

  it('documents each route where the public finds it, and answers / with the landing page', async () => {
    const document = (await (await fetch(`${gatewayUrl}/openapi.json`)).json()) as MergedDocument;
    expect(Object.keys(document.paths)).toEqual([
      '/admin/loans/messaging/lag',
      '/api/stores',
      '/bank/admin/loans/sagas',
      '/bank/api/loans/{id}',
    ]);
    const landing = await fetch(`${gatewayUrl}/`);
    expect(landing.headers.get('content-type')).toContain('text/html');
    expect(await landing.text()).toContain('<title>two</title>');
  });
});
