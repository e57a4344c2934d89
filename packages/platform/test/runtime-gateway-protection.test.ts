import { createLogger } from '@tessera/platform/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type GatewayOptions } from '../src/runtime/gateway/gateway.js';
import { close, upstream } from './support/upstream.js';

type Gateway = Awaited<ReturnType<typeof createGateway>>;

/** The gateway's abuse protections, in front of a small upstream that has none of its own. */
describe('the gateway protects the modules behind it', () => {
  let stores: Awaited<ReturnType<typeof upstream>>;
  const gateways: Gateway[] = [];

  /** A gateway in front of `stores`, listening on a free port; closed after the tests. */
  async function gatewayWith(options: Partial<GatewayOptions> = {}) {
    const gateway = await createGateway({
      services: new Map([['stores', stores.url]]),
      logger: createLogger({ level: 'silent', format: 'json', name: 'gateway-test' }),
      info: { title: 'Shop', version: '1' },
      probeTimeoutMs: 1_000,
      ...options,
    });
    gateways.push(gateway);
    return { gateway, url: await gateway.listen({ port: 0, host: '127.0.0.1' }) };
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
});
