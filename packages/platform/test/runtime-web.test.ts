import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineApplication, type Host, type Module, startHost } from '@tessera/platform/runtime';
import { type OpenedTestDatabase, pgliteTestDatabase, testConfig } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landingPage } from '../src/runtime/landing.js';

const quiet = (name: string): Module => ({
  name,
  description: `The ${name} module`,
  migrations: [],
  async start() {
    return {};
  },
});

const withPages = (name: string, dist: URL, pathPrefix?: string) =>
  defineApplication({
    name,
    title: `App ${name}`,
    description: 'An application with pages.',
    version: '1.0.0',
    ...(pathPrefix === undefined ? {} : { pathPrefix }),
    modules: [quiet(`${name}mod`)],
    web: { dist, pages: [{ path: '/till/', title: 'Till', description: 'baristas sell coffee' }] },
  });

describe('web pages served by the host (ADR 0038)', () => {
  let folder: string;
  let opened: OpenedTestDatabase;
  let host: Host;
  const built = () => pathToFileURL(`${folder}/built/`);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'web-pages-'));
    await mkdir(join(folder, 'built/till'), { recursive: true });
    await mkdir(join(folder, 'built/assets'), { recursive: true });
    await writeFile(join(folder, 'built/till/index.html'), '<!doctype html><title>till</title>');
    await writeFile(join(folder, 'built/assets/till-abc123.js'), 'console.log("till")');
    opened = await pgliteTestDatabase.open();
    const applications = [withPages('shop', built()), withPages('never', pathToFileURL(`${folder}/none/`))];
    host = await startHost({
      name: 'Pages',
      version: 'test',
      applications: applications.map((application) => ({ application, modules: application.modules })),
      db: opened.db,
      bootstrapOperator: false,
      config: testConfig(),
    });
  });
  afterAll(async () => {
    await host?.stop();
    await opened?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("answers a page's HTML at its path and every path under it, checked again each time", async () => {
    for (const url of ['/shop/till/', '/shop/till/orders/42']) {
      const answer = await host.http.inject({ method: 'GET', url });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.body).toContain('<title>till</title>');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('answers assets for a year, and an unknown one or a path outside the build with 404', async () => {
    const asset = await host.http.inject({ method: 'GET', url: '/shop/assets/till-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await host.http.inject({ method: 'GET', url: '/shop/assets/nothing.js' })).statusCode).toBe(404);
    const outside = await host.http.inject({
      method: 'GET',
      url: '/shop/assets/..%2f..%2fbuilt%2ftill%2findex.html',
    });
    expect([403, 404]).toContain(outside.statusCode);
  });

  it('says how to build pages that were never built, as a problem', async () => {
    const answer = await host.http.inject({ method: 'GET', url: '/never/till/' });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({
      code: 'web_not_built',
      title: expect.stringContaining('npm run build:web'),
    });
  });

  it('keeps the API answering problems beside the pages', async () => {
    const answer = await host.http.inject({ method: 'GET', url: '/shop/api/nothing' });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });

  it('links each page from the landing page, before the API documents', () => {
    const html = landingPage([{ application: withPages('shop', built()), modules: [] }]);
    expect(html).toContain('<a href="/shop/till/">Till: baristas sell coffee</a>');
    expect(html.indexOf('/shop/till/')).toBeLessThan(html.indexOf('Swagger UI'));
  });

  it('refuses a page path that is not /name/ or that the platform uses', () => {
    const define = (path: string) => () =>
      defineApplication({
        name: 'bad',
        title: 'Bad',
        description: '',
        version: '1',
        modules: [quiet('badmod')],
        web: { dist: built(), pages: [{ path, title: 'x', description: 'x' }] },
      });
    expect(define('kiosk')).toThrow(/must be like \/name\//);
    expect(define('/api/')).toThrow(/taken by the platform/);
    expect(define('/kiosk/')).not.toThrow();
  });
});
