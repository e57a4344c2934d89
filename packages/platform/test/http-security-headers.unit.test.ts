import { createHttpServer, type HttpServer } from '@tessera/platform/http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { landingPage } from '../src/runtime/landing.js';
import { emptyApplication } from './support/modules.js';

const shop = emptyApplication({
  name: 'shop',
  title: 'Shop',
  description: 'Sells things.',
  modules: ['orders'],
});

/** A Content-Security-Policy header as directive → sources. */
function parseCsp(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const sourcesFor = (csp: Map<string, string[]>, directive: string) =>
  csp.get(directive) ?? csp.get('default-src') ?? [];

/**
 * What a browser would check of a page under its CSP, for what these pages use: every script is a file of this
 * origin (no inline script), stylesheets and images are this origin's, inline styles are allowed when used.
 * Returns the same-origin URLs the page loads, resolved against `pageUrl`.
 */
function assetsAllowedByCsp(html: string, csp: Map<string, string[]>, pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  const assets: string[] = [];
  const sameOrigin = (reference: string, directive: string) => {
    const url = new URL(reference, pageUrl);
    expect(url.origin, `${reference} is loaded from this origin`).toBe(origin);
    expect(sourcesFor(csp, directive), `${directive} allows ${reference}`).toContain("'self'");
    assets.push(url.pathname);
  };
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
    expect(src ?? `an inline script: ${body}`).not.toMatch(/^an inline script/);
    sameOrigin(src!, 'script-src');
  }
  for (const [, href] of html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)) {
    sameOrigin(href!, 'style-src');
  }
  for (const [, href] of html.matchAll(/<link\b[^>]*\brel="icon"[^>]*\bhref="([^"]+)"/g)) {
    sameOrigin(href!, 'img-src');
  }
  if (/<style\b|\sstyle="/.test(html)) expect(sourcesFor(csp, 'style-src')).toContain("'unsafe-inline'");
  expect(sourcesFor(csp, 'script-src')).not.toContain("'unsafe-inline'");
  return assets;
}

describe('security headers', () => {
  let app: HttpServer;

  beforeAll(async () => {
    app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      title: 'Test',
      version: '1',
      landingPage: landingPage([{ application: shop, modules: shop.modules }]),
    });
    app.get(
      '/api/things',
      { schema: { response: { 200: z.object({ things: z.array(z.string()) }) } } },
      async () => ({ things: ['a'] }),
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('are on an API answer and on an error', async () => {
    for (const url of ['/api/things', '/api/nothing-here']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(url === '/api/things' ? 200 : 404);
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'strict-transport-security': 'max-age=31536000',
      });
      expect(response.headers['x-powered-by']).toBeUndefined();
      const csp = parseCsp(response.headers['content-security-policy']);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'self'"]);
      // Plain HTTP must keep working: nothing is upgraded to https.
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
    }
  });

  it('let Swagger UI at /docs load every script, stylesheet and icon it names, and its document', async () => {
    for (const page of ['/docs', '/docs/']) {
      const response = await app.inject({ method: 'GET', url: page });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      const csp = parseCsp(response.headers['content-security-policy']);
      const assets = assetsAllowedByCsp(response.body, csp, `http://localhost${page}`);
      expect(assets).toEqual(
        expect.arrayContaining([
          '/docs/static/swagger-ui-bundle.js',
          '/docs/static/swagger-initializer.js',
          '/docs/static/swagger-ui.css',
        ]),
      );
      for (const asset of assets) {
        const loaded = await app.inject({ method: 'GET', url: asset });
        expect(loaded.statusCode, asset).toBe(200);
        expect(loaded.body.length, asset).toBeGreaterThan(0);
        expect(loaded.headers['x-content-type-options']).toBe('nosniff');
      }
    }
    // Swagger UI then fetches ./json from the same origin (connect-src falls back to default-src 'self').
    const document = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(document.statusCode).toBe(200);
    expect(document.json()).toMatchObject({ openapi: '3.1.0', paths: { '/api/things': {} } });
  });

  it('let the landing page at / show with its inline stylesheet', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<style>');
    const csp = parseCsp(response.headers['content-security-policy']);
    assetsAllowedByCsp(response.body, csp, 'http://localhost/');
    expect(csp.get('style-src')).toContain("'unsafe-inline'");
  });
});
