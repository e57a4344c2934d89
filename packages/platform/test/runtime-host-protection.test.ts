import {
  authorizationFor,
  pgliteTestDatabase,
  startTestHost,
  type TestHost,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The host's HTTP server takes its abuse protections (rate limit, CORS, headers) from the configuration. */
describe('a host', () => {
  let api: TestHost;

  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [], {
      rateLimit: { max: 2, windowMs: 60 * 60_000, credentialsPerMinute: 3 },
      corsOrigins: ['https://kiosk.example.com'],
    });
  });
  afterAll(() => api.close());

  /** A GET from this address: the limits count per address, so each test sends from addresses of its own. */
  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    api.host.http.inject({ method: 'GET', url, remoteAddress, headers });

  it("limits every route it adds, the platform's admin routes included, but its probes", async () => {
    const headers = await authorizationFor(api.host);
    for (const url of ['/asyncapi.json', '/admin/messaging/dead-letters']) {
      const remoteAddress = url === '/asyncapi.json' ? '198.51.100.1' : '198.51.100.2';
      // The admin route as the operator, whose budget it then spends; the document anonymously, by address.
      const inject = () => get(url, remoteAddress, url.startsWith('/admin') ? headers : {});
      expect((await inject()).statusCode, url).toBe(200);
      expect((await inject()).statusCode, url).toBe(200);
      const over = await inject();
      expect(over.statusCode, url).toBe(429);
      expect(over.json()).toMatchObject({ code: 'rate_limited' });
      const probe = await get('/readiness', remoteAddress);
      expect(probe.statusCode).toBe(200);
    }
  });

  it('counts the requests it refuses for want of a credential: guessing tokens spends a budget too', async () => {
    const guess = (token: string) =>
      get('/admin/messaging/lag', '198.51.100.5', { authorization: `Bearer ${token}` });
    expect((await guess('not.a.token')).statusCode).toBe(401);
    expect((await guess('nor.is.this')).statusCode).toBe(401);
    const over = await guess('a.third.guess');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'rate_limited' });
    const anonymous = await get('/admin/messaging/lag', '198.51.100.5');
    expect(anonymous.statusCode, 'the same address, without a token').toBe(429);
  });

  it('limits the routes that check a password more tightly: guessing passwords is slow', async () => {
    const guess = () =>
      api.host.http.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: '198.51.100.6',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=password&username=someone&password=a-guess',
      });
    for (let attempt = 1; attempt <= 3; attempt++)
      expect((await guess()).statusCode, `guess ${attempt}`).toBe(400);
    const over = await guess();
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    const other = await get('/.well-known/jwks.json', '198.51.100.6');
    expect(other.statusCode, 'other routes keep their own budget').toBe(200);
  });

  it('lets the configured origins call it from a browser, and no other', async () => {
    const fromOrigin = (origin: string, remoteAddress: string) =>
      get('/asyncapi.json', remoteAddress, { origin });
    const allowed = await fromOrigin('https://kiosk.example.com', '198.51.100.3');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://kiosk.example.com');
    expect(allowed.headers['content-security-policy']).toContain("default-src 'self'");
    const other = await fromOrigin('https://elsewhere.example.net', '198.51.100.4');
    expect(other.statusCode).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
