import {
  type Application,
  ConfigError,
  defineApplication,
  type Host,
  loadConfig,
  type Module,
  startHost,
} from '@tessera/platform/runtime';
import { type OpenedTestDatabase, pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseMounted, streamOf } from '../src/runtime/serve.js';

/**
 * A module with one route, one table in a schema of its own, and a service it offers its application: what a
 * bounded context needs to show where its routes land and what it can reach.
 */
function tinyModule(name: string, seen: Record<string, unknown>): Module {
  return {
    name,
    description: `The ${name} module`,
    migrations: [
      {
        name,
        migrations: [
          { version: 1, name: 'create', sql: `CREATE SCHEMA ${name}; CREATE TABLE ${name}.things (id int)` },
        ],
      },
    ],
    async start({ http, services, httpAddressOf }) {
      services.provide(`${name}.greeter`, { greet: () => `hello from ${name}` });
      http.get(`/api/${name}/hello`, { config: { audience: 'anyone' } }, async () => {
        // Looked up when called: a service of the same application is found, another application's is not.
        const others = ['alpha', 'bravo', 'charlie'].filter((other) => other !== name);
        const found = Object.fromEntries(
          others.map((other) => [other, services.find(`${other}.greeter`) !== undefined]),
        );
        seen[name] = found;
        const addresses = Object.fromEntries(
          ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((other) => [
            other,
            httpAddressOf(other) ?? null,
          ]),
        );
        return { module: name, found, addresses };
      });
      return {};
    },
  };
}

const seen: Record<string, unknown> = {};
const first = defineApplication({
  name: 'first',
  title: 'First App',
  description: 'The application that keeps the root.',
  version: '1.0.0',
  pathPrefix: '',
  modules: [tinyModule('alpha', seen), tinyModule('charlie', seen)],
});
const second = defineApplication({
  name: 'second',
  title: 'Second App',
  description: 'An application under a prefix of its own.',
  version: '2.0.0',
  modules: [tinyModule('bravo', seen)],
});

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('no ConfigError');
};
const names = (mounted: ReadonlyArray<{ application: Application; modules: readonly Module[] }>) =>
  mounted.map(({ application, modules }) => `${application.name}:${modules.map((m) => m.name).join('+')}`);

describe('several applications in one process', () => {
  let opened: OpenedTestDatabase;
  let host: Host;

  beforeAll(async () => {
    opened = await pgliteTestDatabase.open();
    host = await startHost({
      name: 'Two apps',
      version: 'test',
      applications: chooseMounted([first, second], {}),
      landingPage: '<!doctype html><title>landing</title>',
      db: opened.db,
      config: {
        ...loadConfig({ HTTP_SERVICES: 'delta=http://delta:8080' }),
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        logFormat: 'json',
      },
    });
  });
  afterAll(async () => {
    await host?.stop();
    await opened?.close();
  });

  it('serves the first application at the root and every other under its prefix', async () => {
    const alpha = await host.http.inject({ method: 'GET', url: '/api/alpha/hello' });
    expect(alpha.statusCode).toBe(200);
    expect(alpha.json()).toMatchObject({ module: 'alpha' });
    const bravo = await host.http.inject({ method: 'GET', url: '/second/api/bravo/hello' });
    expect(bravo.statusCode).toBe(200);
    expect(bravo.json()).toMatchObject({ module: 'bravo' });
    expect((await host.http.inject({ method: 'GET', url: '/api/bravo/hello' })).statusCode).toBe(404);
    expect((await host.http.inject({ method: 'GET', url: '/second/api/alpha/hello' })).statusCode).toBe(404);
  });

  it('gives each application its own services: applications never call each other', async () => {
    const alpha = await host.http.inject({ method: 'GET', url: '/api/alpha/hello' });
    expect(alpha.json().found).toEqual({ bravo: false, charlie: true });
    const bravo = await host.http.inject({ method: 'GET', url: '/second/api/bravo/hello' });
    expect(bravo.json().found).toEqual({ alpha: false, charlie: false });
  });

  it("tells a module where its application's modules answer HTTP: here, else where HTTP_SERVICES says", async () => {
    const alpha = (await host.http.inject({ method: 'GET', url: '/api/alpha/hello' })).json();
    // This process, at the root (the first application's prefix); delta runs elsewhere; echo nowhere.
    expect(alpha.addresses).toEqual({
      alpha: host.url.replace('localhost', '127.0.0.1'),
      bravo: null,
      charlie: host.url.replace('localhost', '127.0.0.1'),
      delta: 'http://delta:8080',
      echo: null,
    });
    const bravo = (await host.http.inject({ method: 'GET', url: '/second/api/bravo/hello' })).json();
    expect(bravo.addresses).toMatchObject({
      alpha: null,
      bravo: `${host.url.replace('localhost', '127.0.0.1')}/second`,
      delta: 'http://delta:8080/second',
    });
    const hello = await fetch(`${bravo.addresses.bravo}/api/bravo/hello`);
    expect(hello.status).toBe(200);
  });

  it('documents every route where it is, and answers GET / with the landing page', async () => {
    const document = (await host.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/alpha/hello', '/api/charlie/hello', '/second/api/bravo/hello']),
    );
    const landing = await host.http.inject({ method: 'GET', url: '/' });
    expect(landing.statusCode).toBe(200);
    expect(landing.headers['content-type']).toContain('text/html');
    expect(landing.body).toContain('<title>landing</title>');
  });

  it('migrates each module into its own schema', async () => {
    const { rows } = await opened.db.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'things' ORDER BY 1",
    );
    expect(rows.map(({ schema }) => schema)).toEqual(['alpha', 'bravo', 'charlie']);
  });
});

describe('APPS and MODULES choose what a process runs', () => {
  it('runs every application, every module, unless told otherwise', () => {
    for (const APPS of [undefined, '', 'all']) {
      expect(names(chooseMounted([first, second], { APPS }))).toEqual([
        'first:alpha+charlie',
        'second:bravo',
      ]);
    }
  });

  it('chooses applications by name, and modules across them', () => {
    expect(names(chooseMounted([first, second], { APPS: 'second' }))).toEqual(['second:bravo']);
    expect(names(chooseMounted([first, second], { MODULES: 'charlie,bravo' }))).toEqual([
      'first:charlie',
      'second:bravo',
    ]);
    expect(names(chooseMounted([first, second], { APPS: 'first', MODULES: 'alpha' }))).toEqual([
      'first:alpha',
    ]);
  });

  it('refuses an unknown application or module, naming it and the known ones', () => {
    expect(problemsOf(() => chooseMounted([first, second], { APPS: 'first,third' }))).toEqual([
      'APPS names an unknown application "third" (known: first, second, or all)',
    ]);
    expect(problemsOf(() => chooseMounted([first, second], { APPS: 'second', MODULES: 'alpha' }))).toEqual([
      'MODULES names an unknown module "alpha" (known: bravo, or all)',
    ]);
  });

  it('refuses applications that would collide in one process: a module, its schema, or a path prefix', () => {
    const clash = defineApplication({
      name: 'clash',
      title: 'Clash',
      description: 'Takes names that are taken.',
      version: '0.0.1',
      pathPrefix: '',
      modules: [tinyModule('alpha', seen)],
    });
    const problems = problemsOf(() => chooseMounted([first, clash], {}));
    expect(problems).toEqual([
      'the applications first and clash both have the path prefix ""',
      'the applications first and clash both have a module alpha',
      'the applications first and clash both have the migrations alpha',
    ]);
    // Each alone is fine.
    expect(names(chooseMounted([first, clash], { APPS: 'clash' }))).toEqual(['clash:alpha']);
  });
});

describe('the NATS stream of a process when NATS_STREAM is unset', () => {
  it("is the name of the one application APPS chooses, whatever MODULES says, else the platform's", () => {
    expect(streamOf([first], {})).toBe('first');
    expect(streamOf([first, second], { APPS: 'second', MODULES: 'bravo' })).toBe('second');
    expect(streamOf([first, second], { MODULES: 'bravo' })).toBe('tessera');
    expect(streamOf([first, second], { APPS: 'nobody' })).toBe('tessera');
    expect(loadConfig({}, { natsStream: streamOf([first], {}) }).natsStream).toBe('first');
    expect(loadConfig({ NATS_STREAM: 'mine' }, { natsStream: 'first' }).natsStream).toBe('mine');
  });
});

describe('an application definition', () => {
  const base = { title: 'X', description: 'x', version: '1' };

  it('names every mistake at once', () => {
    expect(() =>
      defineApplication({
        ...base,
        name: 'Bad Name',
        pathPrefix: 'no-slash',
        modules: [tinyModule('alpha', seen), tinyModule('alpha', seen)],
        rpcProviders: ['nowhere'],
        companions: [{ name: 'sim', beside: 'ghost', start: async () => undefined }],
      }),
    ).toThrow(
      [
        'the application "Bad Name": its name must be a lower-case letter, then letters, digits or \'-\' (31 at most)',
        'the application "Bad Name": pathPrefix must be \'\' or like /name',
        'the application "Bad Name" lists alpha twice',
        'the application "Bad Name": the RPC provider nowhere is none of its modules',
        'the application "Bad Name": the companion sim works beside ghost, none of its modules',
      ].join('\n'),
    );
    expect(() => defineApplication({ ...base, name: 'empty', modules: [] })).toThrow(
      'the application "empty" has no modules',
    );
    expect(() => defineApplication({ ...base, name: 'loud', modules: [tinyModule('Alpha', seen)] })).toThrow(
      'the application "loud": the module name "Alpha" is not lower-case',
    );
  });

  it('puts an application under /<name> unless it says otherwise', () => {
    expect(second.pathPrefix).toBe('/second');
    expect(first.pathPrefix).toBe('');
  });
});
