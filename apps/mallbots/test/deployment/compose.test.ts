import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import {
  applications,
  databasePrefix,
  entryCommand,
  exists,
  filesUnder,
  isMallbotsImage,
  knownVariables,
  moduleNames,
  read,
  servicesOf,
  systemModuleNames,
  yamlOf,
} from './support.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[]; disable?: boolean };
}

const compose = yamlOf('compose.yaml') as { services: Record<string, ComposeService> };
const services = compose.services;
const inProfile = (profile: string) =>
  Object.entries(services).filter(([, service]) => service.profiles?.includes(profile));
const env = (service: ComposeService) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));
const hostPorts = (service: ComposeService) => (service.ports ?? []).map((port) => port.split(':')[0]);
const dependsOnHealthy = (service: ComposeService, dependency: string) =>
  !Array.isArray(service.depends_on) && service.depends_on?.[dependency]?.condition === 'service_healthy';

/** The module a distributed service runs, found by its MODULES and not by its name. */
const distributedServiceOf = (module: string) =>
  inProfile('distributed').find(([, service]) => env(service).MODULES === module);

/** The identity provider's service, found by its command and not by its name. */
const identityServices = () =>
  Object.entries(services).filter(
    ([, service]) => JSON.stringify(service.command) === JSON.stringify(entryCommand('identity')),
  );

/** `${NAME:-fallback}`: a value compose takes from the environment or .env; undefined for a literal. */
const interpolation = (value: string | undefined) => {
  const match = /^\$\{([A-Z][A-Z0-9_]*):-([^}]*)\}$/.exec(value ?? '');
  return match ? { name: match[1]!, fallback: match[2]! } : undefined;
};

/** A role or database name as SQL writes it: quoted when it has a '-' (lc-applications). */
const identifier = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);

/** The init scripts in the order PostgreSQL runs them (their names' order), as psql runs each. */
const INIT = 'deploy/postgres/init';
const initStatements = () =>
  filesUnder(INIT, ['.sql']).flatMap((file) =>
    read(`${INIT}/${file}`)
      .replace(/--.*$/gm, '')
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== ''),
  );

describe('compose.yaml', () => {
  it('runs every module of every application in a process of its own under the distributed profile, from the one image', () => {
    expect(applications.map((application) => application.name)).toEqual([
      'coffeeco',
      'letters-of-credit',
      'mallbots',
    ]);
    for (const module of systemModuleNames) {
      const found = distributedServiceOf(module);
      expect(found, `no distributed service runs MODULES=${module}`).toBeDefined();
      const [name, service] = found!;
      expect(name).toBe(module);
      expect(isMallbotsImage(service.image), `${name} runs ${service.image}`).toBe(true);
    }
    const modulesRun = inProfile('distributed').flatMap(([, service]) =>
      env(service).MODULES ? env(service).MODULES!.split(',') : [],
    );
    expect(modulesRun.sort()).toEqual([...systemModuleNames].sort());
    // Each as its own application: APPS names the module's.
    for (const application of applications) {
      for (const module of application.modules) {
        expect(env(distributedServiceOf(module.name)![1]).APPS, module.name).toBe(application.name);
      }
    }
  });

  it("gives each distributed module its own database and role, created by its application's init script", () => {
    const databases = new Set<string>();
    for (const application of applications) {
      const init = read(`deploy/postgres/init/01-${application.name}.sql`);
      const prefix = databasePrefix(application.name);
      for (const { name: module } of application.modules) {
        const [name, service] = distributedServiceOf(module)!;
        const url = new URL(env(service).DATABASE_URL!);
        expect(url.hostname, name).toBe('postgres');
        expect(url.username, name).toBe(`${prefix}_${module}`);
        const database = url.pathname.slice(1);
        expect(database, name).toBe(`${prefix}_${module}`);
        databases.add(database);
        const [role, owned] = [identifier(url.username), identifier(database)];
        expect(init).toContain(`CREATE ROLE ${role} LOGIN PASSWORD '${url.password}';`);
        expect(init).toContain(`CREATE DATABASE ${owned} OWNER ${role};`);
      }
    }
    expect(databases.size).toBe(systemModuleNames.length);
  });

  // PGlite copies its template for each CREATE DATABASE: seconds each on a busy machine.
  it('makes those databases, each owned by its role, when the init script runs on PostgreSQL', async () => {
    const db = new PGlite();
    try {
      // As psql runs them: one statement at a time (CREATE DATABASE cannot share a transaction).
      for (const statement of initStatements()) await db.exec(statement);
      const { rows } = await db.query<{ database: string; owner: string; login: boolean }>(
        `SELECT d.datname AS database, r.rolname AS owner, r.rolcanlogin AS login
           FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
          WHERE NOT d.datistemplate AND d.datname <> 'postgres'`,
      );
      const expected = [
        // Each application's monolith database, then each of its modules'.
        ...applications.flatMap((application) => {
          const prefix = databasePrefix(application.name);
          return [prefix, ...application.modules.map((module) => `${prefix}_${module.name}`)];
        }),
        // The identity provider's own, the system's: one for every application.
        'tessera_identity',
      ];
      expect(rows.map((row) => row.database).sort()).toEqual(expected.sort());
      for (const row of rows) expect([row.owner, row.login]).toEqual([row.database, true]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('runs the monolith as one process with every application and module (APPS and MODULES unset) on PostgreSQL and NATS', () => {
    const monolith = inProfile('monolith').filter(([, service]) => isMallbotsImage(service.image));
    expect(monolith.map(([name]) => name)).toEqual(['mallbots']);
    const [, service] = monolith[0]!;
    expect(env(service).MODULES ?? '').toBe('');
    expect(env(service).APPS ?? '').toBe('');
    const url = new URL(env(service).DATABASE_URL!);
    expect([url.hostname, url.username, url.pathname]).toEqual(['postgres', 'mallbots', '/mallbots']);
    expect(read('deploy/postgres/init/01-mallbots.sql')).toContain(
      'CREATE DATABASE mallbots OWNER mallbots;',
    );
    expect(hostPorts(service)).toEqual(['8080', '8085']);
  });

  it('starts PostgreSQL 16 and NATS with JetStream for both profiles, each with a health check', () => {
    for (const profile of ['monolith', 'distributed']) {
      expect(services.postgres!.profiles).toContain(profile);
      expect(services.nats!.profiles).toContain(profile);
    }
    expect(services.postgres!.image).toBe('postgres:16-alpine');
    expect(services.postgres!.volumes).toContain('./deploy/postgres/init:/docker-entrypoint-initdb.d:ro');
    expect(services.nats!.image).toBe('nats:2-alpine');
    expect(services.nats!.command).toContain('-js');
    expect(services.postgres!.healthcheck?.test).toBeDefined();
    expect(services.nats!.healthcheck?.test).toBeDefined();
  });

  it('starts each process only once PostgreSQL and NATS are healthy, and the gateway once every module is', () => {
    for (const name of ['mallbots', ...systemModuleNames]) {
      expect(dependsOnHealthy(services[name]!, 'postgres'), `${name} on postgres`).toBe(true);
      expect(dependsOnHealthy(services[name]!, 'nats'), `${name} on nats`).toBe(true);
      expect(env(services[name]!).NATS_URL, name).toBe('nats://nats:4222');
    }
    for (const module of systemModuleNames) {
      expect(dependsOnHealthy(services.gateway!, module), `gateway on ${module}`).toBe(true);
      // The identity provider first, as the launcher starts it.
      expect(dependsOnHealthy(services[module]!, 'identity'), `${module} on identity`).toBe(true);
    }
    expect(dependsOnHealthy(services.gateway!, 'identity')).toBe(true);
    expect(dependsOnHealthy(services.identity!, 'postgres')).toBe(true);
    expect(dependsOnHealthy(services.robots!, 'depot')).toBe(true);
  });

  it('routes the one gateway to every module of every application and the identity provider, and is the only distributed service on host port 8080', () => {
    const gateways = Object.entries(services).filter(
      ([, service]) => JSON.stringify(service.command) === JSON.stringify(entryCommand('gateway')),
    );
    expect(gateways.map(([name]) => name)).toEqual(['gateway']);
    const gateway = services.gateway!;
    expect(gateway.profiles).toEqual(['distributed']);
    // Every application behind it, each under its path prefix (MallBots at /, letters of credit at its own).
    expect(env(gateway).APPS!.split(',').sort()).toEqual(applications.map((a) => a.name).sort());
    const routes = servicesOf(env(gateway).HTTP_SERVICES!);
    expect(routes.map(([name]) => name).sort()).toEqual([...systemModuleNames, 'identity'].sort());
    for (const [module, url] of routes) {
      // The gateway sends the identity provider's routes to its `identity` entry (IDENTITY_SERVICE).
      const [name, service] = module === 'identity' ? identityServices()[0]! : distributedServiceOf(module)!;
      expect(url.hostname).toBe(name);
      expect(url.port).toBe('8080');
      expect(service.expose).toContain('8080');
    }
    const onHostPort = inProfile('distributed').filter(([, service]) => hostPorts(service).includes('8080'));
    expect(onHostPort.map(([name]) => name)).toEqual(['gateway']);
  });

  it("points RPC_SERVICES at the RPC port of the process running each of its application's providers", () => {
    for (const application of applications) {
      const own = application.modules.map((module) => module.name);
      for (const module of own) {
        const [name, service] = distributedServiceOf(module)!;
        const rpc = env(service).RPC_SERVICES ? servicesOf(env(service).RPC_SERVICES!) : [];
        // Applications never call each other: only their own providers, all of them.
        expect(
          rpc.map(([target]) => target),
          name,
        ).toEqual(application.rpcProviders);
        for (const [target, url] of rpc) {
          expect(own, `${name}: RPC_SERVICES names ${target}`).toContain(target);
          expect(url.hostname).toBe(distributedServiceOf(target)![0]);
          expect(url.port).toBe('8085');
        }
      }
    }
    expect(mallbots.rpcProviders.length).toBeGreaterThan(0);
  });

  it('runs each companion (the robots) in a service of its own beside its module, and none inside module processes', () => {
    expect(mallbots.companions.map((companion) => companion.name)).toContain('robots');
    for (const companion of mallbots.companions) {
      const service = services[companion.name]!;
      expect(isMallbotsImage(service.image), companion.name).toBe(true);
      expect(service.command).toEqual(entryCommand('companion', companion.name));
      expect(env(service).APPS).toBe(mallbots.name);
      const [beside] = distributedServiceOf(companion.beside)!;
      const rpc = new URL(env(service).COMPANION_RPC_URL!);
      expect([rpc.hostname, rpc.port]).toEqual([beside, '8085']);
      const http = new URL(env(service).COMPANION_HTTP_URL!);
      expect([http.hostname, http.port]).toEqual([beside, '8080']);
      expect(dependsOnHealthy(service, beside)).toBe(true);
      // It serves no HTTP, so the image's /readiness check would keep it unhealthy forever.
      expect(service.healthcheck?.disable).toBe(true);
    }
    for (const module of moduleNames) {
      const service = distributedServiceOf(module)![1];
      expect(env(service).COMPANIONS, module).toBe('off');
      expect(env(service).APPS, module).toBe(mallbots.name);
    }
  });

  it('runs one identity provider on its own database, against which every module checks tokens', () => {
    const found = identityServices();
    expect(found.map(([name]) => name)).toEqual(['identity']);
    const [, identity] = found[0]!;
    expect(identity.profiles).toEqual(['distributed']);
    expect(isMallbotsImage(identity.image)).toBe(true);
    // Its database and role, made by the init scripts as a module's are.
    const url = new URL(env(identity).DATABASE_URL!);
    // The system's, whichever applications it serves.
    expect([url.hostname, url.username, url.pathname]).toEqual([
      'postgres',
      'tessera_identity',
      '/tessera_identity',
    ]);
    expect(initStatements()).toEqual(
      expect.arrayContaining([
        `CREATE ROLE tessera_identity LOGIN PASSWORD '${url.password}'`,
        'CREATE DATABASE tessera_identity OWNER tessera_identity',
      ]),
    );
    // It is the provider: it checks no other's keys, and sends no messages (no NATS).
    expect(env(identity).AUTH_JWKS_URL).toBeUndefined();
    expect(env(identity).NATS_URL).toBeUndefined();
    // Clients reach it through the gateway, as they reach the modules.
    expect(env(identity).TRUST_PROXY).toBe('uniquelocal');
    // Tokens name the gateway: by default where the host reaches it.
    const issuer = interpolation(env(identity).AUTH_ISSUER);
    expect(issuer?.name).toBe('AUTH_ISSUER');
    expect(new URL(issuer!.fallback).port).toBe(hostPorts(services.gateway!)[0]);
    for (const module of systemModuleNames) {
      const [name, service] = distributedServiceOf(module)!;
      const variables = env(service);
      expect(variables.AUTH_ISSUER, name).toBe(env(identity).AUTH_ISSUER);
      const jwks = new URL(variables.AUTH_JWKS_URL!);
      expect([jwks.hostname, jwks.port, jwks.pathname], name).toEqual([
        'identity',
        '8080',
        '/.well-known/jwks.json',
      ]);
      expect(variables.AUTH_IDENTITY_URL, name).toBe(jwks.origin);
    }
  });

  it("takes the service credential and the operator's from the environment, never from the file", () => {
    const secrets = ['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET', 'OPERATOR_USERNAME', 'OPERATOR_PASSWORD'];
    const given = Object.entries(services).flatMap(([name, service]) =>
      Object.entries(env(service))
        .filter(([key]) => secrets.includes(key))
        .map(([key, value]) => [name, key, value] as const),
    );
    for (const [name, key, value] of given) {
      expect(interpolation(value), `${name}: ${key}`).toEqual({ name: key, fallback: '' });
    }
    // The provider and every module share the service credential; only the provider makes the operator.
    const sharing = (key: string) =>
      given
        .filter(([, k]) => k === key)
        .map(([name]) => name)
        .sort();
    expect(sharing('AUTH_CLIENT_SECRET')).toEqual(['identity', ...systemModuleNames].sort());
    expect(sharing('AUTH_CLIENT_ID')).toEqual(['identity', ...systemModuleNames].sort());
    expect(sharing('OPERATOR_PASSWORD')).toEqual(['identity', 'mallbots']);
    // Compose interpolates every service whatever the profile: a `:?` would stop the monolith's too. The
    // processes refuse half a credential instead (loadConfig, startHost).
    expect(read('compose.yaml')).not.toMatch(/\$\{[A-Z_]+:?\?/);
  });

  it('sets only variables the applications read on their own processes', () => {
    const known = knownVariables();
    const unknown = Object.entries(services)
      .filter(([, service]) => isMallbotsImage(service.image))
      .flatMap(([name, service]) => Object.keys(env(service)).map((key) => `${name}: ${key}`))
      .filter((setting) => !known.has(setting.split(': ')[1]!));
    // The PostgreSQL, NATS and observability images read their own variables: not checked here.
    expect(unknown, 'variables missing from .env.example').toEqual([]);
  });

  it('mounts only files that exist in the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('./')) continue;
        expect(exists(source), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it('puts the collector, Jaeger, Loki, Alloy, Prometheus and Grafana in the observability profile only', () => {
    const observability = inProfile('observability').map(([name]) => name);
    expect(observability.sort()).toEqual(['alloy', 'collector', 'grafana', 'jaeger', 'loki', 'prometheus']);
    for (const name of observability) expect(services[name]!.profiles).toEqual(['observability']);
  });
});
