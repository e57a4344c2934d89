import { isIP } from 'node:net';
import { z } from 'zod';
import type { Application } from '../application.js';
import { parseEnv } from '../config.js';
import { formatServiceAddresses } from '../service-addresses.js';

const port = z.coerce.number('must be a whole number').int('must be a whole number').min(0).max(65_535);

/** The built-in identity provider's process, as HTTP_SERVICES names it (the gateway's `identity`). */
const IDENTITY_PROCESS = 'identity';

/**
 * Each process's service in a trace (ADR 0045), as the launcher and the generated deployments name it: the same
 * process is the same service whichever way it was started.
 */
export const traceServices = {
  module: (application: string, module: string) => `${application}.${module}`,
  companion: (application: string, beside: string) => `${application}.${beside}.companion`,
  identity: IDENTITY_PROCESS,
  gateway: 'gateway',
} as const;

const launcherSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/postgres'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/\S+$/, 'must be a nats:// URL')
    .default('nats://127.0.0.1:4222'),
  // Unset: each application's own stream, its name (as the deployments give it); set: one for all of them.
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, '_' or '-'")
    .optional(),
  // Unset: each application's name (with '_' for '-'), so `mallbots_stores`; set: one prefix for all of them.
  DISTRIBUTED_PREFIX: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,40}$/,
      "must be a lower-case letter, then up to 40 lower-case letters, digits or '_'",
    )
    .optional(),
  DISTRIBUTED_DB_PASSWORD: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  HTTP_PORT_BASE: port.default(8101),
  RPC_PORT_BASE: port.default(9101),
  LOG_DIR: z.string().min(1).default('.data/distributed'),
  READY_TIMEOUT: z.coerce.number('must be a number of seconds').positive().default(60),
  // The modules' shared client credential at the identity provider; the launcher makes one per launch.
  AUTH_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type LauncherSettings = z.infer<typeof launcherSchema>;

/** The launcher's settings from the environment; every bad variable named in one ConfigError. */
export const launcherSettings = (env: NodeJS.ProcessEnv): LauncherSettings => parseEnv(launcherSchema, env);

/** The prefix of an application's databases and roles (`<prefix>_<module>`): DISTRIBUTED_PREFIX, else its name. */
export const databasePrefixOf = (
  application: Application,
  settings: Pick<LauncherSettings, 'DISTRIBUTED_PREFIX'>,
) => settings.DISTRIBUTED_PREFIX ?? application.name.replaceAll('-', '_');

/** The NATS stream of an application's processes: NATS_STREAM, else its name. */
export const streamNameOf = (application: Application, settings: Pick<LauncherSettings, 'NATS_STREAM'>) =>
  settings.NATS_STREAM ?? application.name;

/** What several applications of one system share, such as the identity provider's database. */
const SHARED_PREFIX = 'tessera';

/**
 * The identity provider's database and role: the system's, the same whichever of its applications a launch
 * runs (its accounts are those of every application's modules): `<DISTRIBUTED_PREFIX>_identity` when set, else
 * the one application's `<name>_identity`, or `tessera_identity` where a repository has several.
 */
export function identityDatabaseOf(
  system: readonly Application[],
  settings: Pick<LauncherSettings, 'DISTRIBUTED_PREFIX'>,
): string {
  const [only] = system;
  const prefix =
    settings.DISTRIBUTED_PREFIX ??
    (system.length === 1 && only ? databasePrefixOf(only, settings) : SHARED_PREFIX);
  return `${prefix}_${IDENTITY_PROCESS}`;
}

/** How the launcher's output says what it makes, and that everything is up: launchDistributed reads both. */
export const CREATING_DATABASES = 'creating the databases and roles';
export const LAUNCHED = 'all ready; Ctrl-C stops it all';

/** One module's process: its database and role (same name), its ports. */
export interface ModuleProcess {
  readonly module: string;
  /** Database and role: `<prefix>_<module>`. */
  readonly database: string;
  readonly databaseUrl: string;
  readonly httpPort: number;
  readonly rpcPort: number;
}

/** The client id the module processes of a topology call the identity provider and each other as. */
export const SERVICES_CLIENT_ID = 'services';

export interface Plan {
  readonly modules: readonly ModuleProcess[];
  /** The built-in identity provider's process: its database and HTTP port (no RPC). */
  readonly identity: ModuleProcess;
  /** The applications whose modules it runs, in the repository's order, each with those modules. */
  readonly applications: ReadonlyArray<{ application: Application; modules: readonly string[] }>;
  /** Where the gateway answers (on this machine when it listens on every interface). */
  readonly gatewayUrl: string;
  httpUrl(module: string): string;
  rpcUrl(module: string): string;
  /** The environment a module process gets on top of the launcher's own. */
  moduleEnv(process: ModuleProcess): NodeJS.ProcessEnv;
  identityEnv(): NodeJS.ProcessEnv;
  gatewayEnv(): NodeJS.ProcessEnv;
  /** The environment of a companion's process beside a module: its addresses, and the system's credential. */
  companionEnv(beside: string): NodeJS.ProcessEnv;
}

/**
 * Where every process of the distributed topology listens and what it connects to, on the ports given (the
 * launcher finds free ones for a base of 0). `system` is every application of the repository (or the one),
 * `moduleNames` the modules to run, of any of them (their names are unique across a system): each module's
 * process runs its own application (APPS), on that application's databases, stream and RPC providers; one
 * identity provider and one gateway serve them all, each application under its path prefix.
 */
export function planTopology(
  system: Application | readonly Application[],
  settings: LauncherSettings,
  moduleNames: readonly string[],
  ports: { http: readonly number[]; rpc: readonly number[]; gateway: number; identity: number },
  serviceSecret: string,
): Plan {
  const applications: readonly Application[] = 'modules' in system ? [system] : system;
  const applicationOf = new Map(
    applications.flatMap((application) => application.modules.map((module) => [module.name, application])),
  );
  const ownerOf = (module: string) => {
    const found = applicationOf.get(module);
    if (!found) throw new Error(`no application has the module ${module}`);
    return found;
  };
  const admin = new URL(settings.DATABASE_URL);
  const processOf = (module: string, database: string, httpPort: number, rpcPort: number): ModuleProcess => {
    const url = new URL(admin);
    url.username = database;
    url.password = settings.DISTRIBUTED_DB_PASSWORD ?? '';
    url.pathname = `/${database}`;
    return { module, database, databaseUrl: url.toString(), httpPort, rpcPort };
  };
  const modules = moduleNames.map((module, index) =>
    processOf(
      module,
      `${databasePrefixOf(ownerOf(module), settings)}_${module}`,
      ports.http[index] as number,
      ports.rpc[index] as number,
    ),
  );
  const identity = processOf(IDENTITY_PROCESS, identityDatabaseOf(applications, settings), ports.identity, 0);
  const launched = applications
    .map((application) => ({
      application,
      modules: moduleNames.filter((module) => ownerOf(module) === application),
    }))
    .filter(({ modules }) => modules.length > 0);
  const shown = settings.HOST === '0.0.0.0' || settings.HOST === '::' ? '127.0.0.1' : settings.HOST;
  const byName = new Map(modules.map((entry) => [entry.module, entry]));
  const entry = (module: string) => {
    const found = byName.get(module);
    if (!found) throw new Error(`no process for the module ${module}`);
    return found;
  };
  const httpUrl = (module: string) => `http://${shown}:${entry(module).httpPort}`;
  const rpcUrl = (module: string) => `http://${shown}:${entry(module).rpcPort}`;
  const identityUrl = `http://${shown}:${identity.httpPort}`;
  const gatewayUrl = `http://${shown}:${ports.gateway}`;
  const httpServices = formatServiceAddresses([
    ...modules.map(({ module }): [string, string] => [module, httpUrl(module)]),
    [IDENTITY_PROCESS, identityUrl],
  ]);
  // The gateway runs on this machine, so it connects from a loopback address or from HOST's: its
  // X-Forwarded-For is believed.
  const trustProxy = isIP(shown) && !/^(127\.|::1$)/.test(shown) ? `loopback,${shown}` : 'loopback';
  // Tokens name the gateway, the public face; every process checks them against the provider's keys.
  const credentials = {
    AUTH_ISSUER: gatewayUrl,
    AUTH_CLIENT_ID: SERVICES_CLIENT_ID,
    AUTH_CLIENT_SECRET: serviceSecret,
  };
  // Applications never call each other: a module is told only of its own application's RPC providers.
  const rpcServicesOf = (application: Application) =>
    formatServiceAddresses(
      modules
        .filter(({ module }) => ownerOf(module) === application && application.rpcProviders.includes(module))
        .map(({ module }) => [module, rpcUrl(module)]),
    );
  const httpServicesOf = (application: Application) =>
    formatServiceAddresses(
      modules
        .filter(({ module }) => ownerOf(module) === application)
        .map(({ module }) => [module, httpUrl(module)]),
    );
  return {
    modules,
    identity,
    applications: launched,
    gatewayUrl,
    httpUrl,
    rpcUrl,
    moduleEnv: (process) => {
      const application = ownerOf(process.module);
      return {
        APPS: application.name,
        MODULES: process.module,
        // Each process is its own service in a trace (ADR 0045).
        OTEL_SERVICE_NAME: traceServices.module(application.name, process.module),
        DATABASE_URL: process.databaseUrl,
        DATA_DIR: '',
        NATS_URL: settings.NATS_URL,
        NATS_STREAM: streamNameOf(application, settings),
        HOST: settings.HOST,
        PORT: String(process.httpPort),
        RPC_PORT: String(process.rpcPort),
        // Where the RPC providers serve: the synchronous calls between modules (ADR 0017).
        RPC_SERVICES: rpcServicesOf(application),
        // Where the other modules of its application answer HTTP (a module calling another's REST API).
        HTTP_SERVICES: httpServicesOf(application),
        // Companions are processes of their own here.
        COMPANIONS: 'off',
        // Every module process shares one server (100 connections by default) with whatever else runs on it.
        DATABASE_POOL_SIZE: '6',
        LOG_FORMAT: 'json',
        // Clients reach it through the gateway, which tells their address (rate limits).
        TRUST_PROXY: trustProxy,
        ...credentials,
        AUTH_JWKS_URL: `${identityUrl}/.well-known/jwks.json`,
        AUTH_IDENTITY_URL: identityUrl,
      };
    },
    identityEnv: () => ({
      OTEL_SERVICE_NAME: traceServices.identity,
      DATABASE_URL: identity.databaseUrl,
      DATA_DIR: '',
      // It sends no messages: the embedded broker in its own database is enough.
      NATS_URL: '',
      HOST: settings.HOST,
      PORT: String(identity.httpPort),
      DATABASE_POOL_SIZE: '4',
      LOG_FORMAT: 'json',
      TRUST_PROXY: trustProxy,
      ...credentials,
    }),
    gatewayEnv: () => ({
      OTEL_SERVICE_NAME: traceServices.gateway,
      HOST: settings.HOST,
      PORT: String(ports.gateway),
      // Every launched application's routes, each under its prefix, on the one port.
      APPS: launched.map(({ application }) => application.name).join(','),
      HTTP_SERVICES: httpServices,
      LOG_FORMAT: 'json',
    }),
    companionEnv: (beside) => ({
      OTEL_SERVICE_NAME: traceServices.companion(ownerOf(beside).name, beside),
      APPS: ownerOf(beside).name,
      COMPANION_HTTP_URL: httpUrl(beside),
      COMPANION_RPC_URL: rpcUrl(beside),
      LOG_FORMAT: 'json',
      // A simulator makes its robots' credentials at the identity process, as the service it runs for.
      ...credentials,
      AUTH_IDENTITY_URL: identityUrl,
    }),
  };
}

export const portsFrom = (base: number, count: number) => Array.from({ length: count }, (_, i) => base + i);
