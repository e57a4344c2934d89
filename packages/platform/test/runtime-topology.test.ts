import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerProjectionRoutes } from '@tessera/platform/projections';
import { defineApplication, type Host, loadConfig, type Module, startHost } from '@tessera/platform/runtime';
import { registerSagaAdminRoutes, sagaInspection, sagaMigrations } from '@tessera/platform/sagas';
import { authorizationFor, type OpenedTestDatabase, pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createGateway } from '../src/runtime/gateway/gateway.js';
import { chooseMounted } from '../src/runtime/serve.js';
import type { Topology } from '../src/runtime/topology.js';
import { close, testGateway } from './support/upstream.js';

/** A module that registers what its name says: saga routes, projection routes, or nothing. */
function moduleWith(name: string, routes: 'sagas' | 'projections' | 'none'): Module {
  return {
    name,
    description: `The ${name} module`,
    migrations: routes === 'sagas' ? [sagaMigrations()] : [],
    async start({ http, db }) {
      if (routes === 'sagas') registerSagaAdminRoutes(http, sagaInspection(db));
      if (routes === 'projections') registerProjectionRoutes(http, []);
      return {};
    },
  };
}

const first = defineApplication({
  name: 'first',
  title: 'First App',
  description: 'At the root.',
  version: '1.0.0',
  pathPrefix: '',
  modules: [moduleWith('alpha', 'sagas'), moduleWith('charlie', 'none')],
});
const second = defineApplication({
  name: 'second',
  title: 'Second App',
  description: 'Under a prefix.',
  version: '1.0.0',
  modules: [moduleWith('bravo', 'projections')],
});

describe('the topology of one process', () => {
  let opened: OpenedTestDatabase;
  let host: Host;

  beforeAll(async () => {
    opened = await pgliteTestDatabase.open();
    host = await startHost({
      name: 'Two apps',
      version: 'test',
      applications: chooseMounted([first, second], {}),
      db: opened.db,
      bootstrapOperator: false,
      config: { ...loadConfig({}), port: 0, host: '127.0.0.1', logLevel: 'silent', logFormat: 'json' },
    });
  });
  afterAll(async () => {
    await host?.stop();
    await opened?.close();
  });

  const get = async (headers: Record<string, string>) =>
    host.http.inject({ method: 'GET', url: '/admin/topology', headers });

  it('lists its modules, and where each application keeps the sagas and projections it has', async () => {
    const response = await get(await authorizationFor(host));
    expect(response.statusCode).toBe(200);
    expect(response.json<Topology>()).toEqual({
      processes: [
        {
          modules: ['alpha', 'charlie', 'bravo'],
          admin: '/admin',
          available: true,
          applications: [
            { name: 'first', title: 'First App', admin: '/admin', sagas: true, projections: false },
            { name: 'second', title: 'Second App', admin: '/second/admin', sagas: false, projections: true },
          ],
        },
      ],
    });
    // What it says is there answers.
    const sagas = await host.http.inject({
      method: 'GET',
      url: '/admin/sagas',
      headers: await authorizationFor(host),
    });
    expect(sagas.statusCode).toBe(200);
    const projections = await host.http.inject({
      method: 'GET',
      url: '/second/admin/projections',
      headers: await authorizationFor(host),
    });
    expect(projections.statusCode).toBe(200);
  });

  it('is for operators only', async () => {
    expect((await get({})).statusCode).toBe(401);
    const customer = await authorizationFor(host, { subject: 'someone', roles: ['customer'] });
    expect((await get(customer)).statusCode).toBe(403);
  });
});

/** A module's process as the gateway sees it: its own topology, for the right credentials only. */
async function moduleProcess(entry: Topology['processes'][number]) {
  const seen: Array<string | undefined> = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.authorization);
    if (request.url !== '/admin/topology') return response.writeHead(404).end();
    if (request.headers.authorization !== 'Bearer operator') {
      return response
        .writeHead(401, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ status: 401, title: 'Unauthorized', code: 'unauthenticated' }));
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ processes: [entry] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the topology behind the gateway', () => {
  const own = (modules: string[], applications: Topology['processes'][number]['applications']) => ({
    modules,
    admin: '/admin',
    available: true,
    applications,
  });
  let cosec: Awaited<ReturnType<typeof moduleProcess>>;
  let review: Awaited<ReturnType<typeof moduleProcess>>;
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  let url: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    cosec = await moduleProcess(
      own(['cosec'], [{ name: 'shop', title: 'Shop', admin: '/admin', sagas: true, projections: false }]),
    );
    review = await moduleProcess(
      own(
        ['review'],
        [{ name: 'trade', title: 'Trade', admin: '/trade/admin', sagas: false, projections: true }],
      ),
    );
    servers.push(cosec.server, review.server);
    ({ gateway, url } = await testGateway({
      services: new Map([
        ['cosec', cosec.url],
        ['review', review.url],
        ['payments', 'http://127.0.0.1:1'], // nothing listens there
        ['identity', cosec.url], // the identity provider's process is not a module's
      ]),
      prefixes: new Map([['review', '/trade']]),
      info: { title: 'Shop', version: '1' },
    }));
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(servers.map(close));
  });

  it("asks every module's process with the caller's credentials, and puts their routes behind /admin/<module>", async () => {
    const response = await fetch(`${url}/admin/topology`, { headers: { authorization: 'Bearer operator' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      processes: [
        {
          modules: ['cosec'],
          admin: '/admin/cosec',
          available: true,
          applications: [
            { name: 'shop', title: 'Shop', admin: '/admin/cosec', sagas: true, projections: false },
          ],
        },
        {
          modules: ['review'],
          admin: '/admin/review',
          available: true,
          applications: [
            { name: 'trade', title: 'Trade', admin: '/trade/admin/review', sagas: false, projections: true },
          ],
        },
        { modules: ['payments'], admin: '/admin/payments', available: false, applications: [] },
      ],
    });
    // Asked once each, with the caller's own token.
    expect(cosec.seen.at(-1)).toBe('Bearer operator');
    expect(review.seen.at(-1)).toBe('Bearer operator');
  });

  it("answers the processes' refusal when none admits the caller", async () => {
    const response = await fetch(`${url}/admin/topology`, { headers: { authorization: 'Bearer stranger' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
  });
});
