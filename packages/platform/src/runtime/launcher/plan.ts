import { isIP } from 'node:net';
import { z } from 'zod';
import type { Application } from '../application.js';
import { parseEnv } from '../config.js';
import { formatServiceAddresses } from '../service-addresses.js';

const port = z.coerce.number('must be a whole number').int('must be a whole number').min(0).max(65_535);

const launcherSchema = (application: Application) =>
  z.object({
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/postgres'),
    NATS_URL: z
      .string()
      .regex(/^(nats|tls):\/\/\S+$/, 'must be a nats:// URL')
      .default('nats://127.0.0.1:4222'),
    NATS_STREAM: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1–64 letters, digits, '_' or '-'")
      .default(application.name),
    DISTRIBUTED_PREFIX: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]{0,40}$/,
        "must be a lower-case letter, then up to 40 lower-case letters, digits or '_'",
      )
      .default(application.name.replaceAll('-', '_')),
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

export type LauncherSettings = z.infer<ReturnType<typeof launcherSchema>>;

/** The launcher's settings for an application from the environment; every bad variable named in one ConfigError. */
export const launcherSettings = (application: Application, env: NodeJS.ProcessEnv): LauncherSettings =>
  parseEnv(launcherSchema(application), env);

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
 * launcher finds free ones for a base of 0).
 */
export function planTopology(
  application: Application,
  settings: LauncherSettings,
  moduleNames: readonly string[],
  ports: { http: readonly number[]; rpc: readonly number[]; gateway: number; identity: number },
  serviceSecret: string,
): Plan {
  const admin = new URL(settings.DATABASE_URL);
  const processOf = (module: string, httpPort: number, rpcPort: number): ModuleProcess => {
    const database = `${settings.DISTRIBUTED_PREFIX}_${module}`;
    const url = new URL(admin);
    url.username = database;
    url.password = settings.DISTRIBUTED_DB_PASSWORD ?? '';
    url.pathname = `/${database}`;
    return { module, database, databaseUrl: url.toString(), httpPort, rpcPort };
  };
  const modules = moduleNames.map((module, index) =>
    processOf(module, ports.http[index] as number, ports.rpc[index] as number),
  );
  const identity = processOf('identity', ports.identity, 0);
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
    ['identity', identityUrl],
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
  const rpcServices = formatServiceAddresses(
    modules
      .filter(({ module }) => application.rpcProviders.includes(module))
      .map(({ module }) => [module, rpcUrl(module)]),
  );
  return {
    modules,
    identity,
    gatewayUrl,
    httpUrl,
    rpcUrl,
    moduleEnv: (process) => ({
      APPS: application.name,
      MODULES: process.module,
      DATABASE_URL: process.databaseUrl,
      DATA_DIR: '',
      NATS_URL: settings.NATS_URL,
      NATS_STREAM: settings.NATS_STREAM,
      HOST: settings.HOST,
      PORT: String(process.httpPort),
      RPC_PORT: String(process.rpcPort),
      // Where the RPC providers serve: the synchronous calls between modules (ADR 0017).
      RPC_SERVICES: rpcServices,
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
    }),
    identityEnv: () => ({
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
      HOST: settings.HOST,
      PORT: String(ports.gateway),
      APPS: application.name,
      HTTP_SERVICES: httpServices,
      LOG_FORMAT: 'json',
    }),
    companionEnv: (beside) => ({
      APPS: application.name,
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
