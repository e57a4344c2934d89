import { failedPrecondition } from '../ddd/index.js';
import { createHttpServer, type HttpServer, idempotencyMigrations } from '../http/index.js';
import {
  clientCredentialToken,
  createTokenVerifier,
  discoveredTokenUrl,
  IDENTITY_TAG,
  type IdentityAccounts,
  type IdentityProvider,
  identityMigrations,
  openIdentityProvider,
  type Role,
  registerIdentityRoutes,
  remoteAccounts,
  renewedToken,
  SERVICE_ROLE,
  TOKEN_PATH,
  type TokenVerifier,
} from '../identity/index.js';
import { asyncApiDocument } from '../messaging/asyncapi.js';
import type { Broker } from '../messaging/index.js';
import { createLogger, type Logger, stopTelemetry } from '../observability/index.js';
import { createRpcServer } from '../rpc/index.js';
import { migrate, openDatabase, type SqlClient } from '../sql/index.js';
import { ADMIN_TAG, registerAdminRoutes } from './admin-routes.js';
import type { Application } from './application.js';
import { brokerMigrations, brokerOfModule, openBroker } from './broker.js';
import { type Config, ConfigError, rateLimitOf, rpcPortOf } from './config.js';
import { registerFlowRoutes } from './flow-routes.js';
import { SERVICES_CLIENT_ID } from './launcher/plan.js';
import type { Module, RunningModule, Services } from './module.js';
import { registerTopologyRoute } from './topology.js';
import { registerWebPages } from './web.js';

export interface Host {
  readonly http: HttpServer;
  readonly db: SqlClient;
  readonly broker: Broker;
  readonly logger: Logger;
  /** The address the server listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The RPC server's address (h2c), e.g. http://127.0.0.1:8085; undefined when no module offers a service. */
  readonly rpcUrl: string | undefined;
  /** The built-in identity provider when it runs in this process (it does unless AUTH_JWKS_URL is set). */
  readonly identity: IdentityProvider | undefined;
  /** Where the built-in provider answers: this host when it runs here, else AUTH_IDENTITY_URL (if set). */
  readonly identityUrl: string | undefined;
  /**
   * This process's own token (the service role), for calling other modules and the identity provider;
   * undefined when it has no way to get one (an external provider, and no AUTH_CLIENT_ID).
   */
  readonly serviceToken: (() => Promise<string>) | undefined;
  stop(): Promise<void>;
}

/** An application's modules that run in this process (all of them, or those `MODULES` chose). */
export interface MountedApplication {
  readonly application: Application;
  readonly modules: readonly Module[];
}

export interface HostOptions {
  name: string;
  version: string;
  description?: string;
  /** Modules at the root of the routes, sharing one set of services (tests, a single application). */
  modules?: readonly Module[];
  /** Applications, each under its path prefix, with services of its own: they never call each other. */
  applications?: readonly MountedApplication[];
  /** The HTML `GET /` answers (the landing page); otherwise it redirects to the API docs. */
  landingPage?: string;
  config: Config;
  logger?: Logger;
  /** A database opened by the caller (tests); otherwise opened from the config and closed on stop. */
  db?: SqlClient;
  /**
   * Roles declared beside the modules' own (`Module.roles`): the identity provider's own process runs no module
   * and is given every application's.
   */
  roles?: readonly Role[];
  /** False: no first operator is made (tests act through tokens the provider issues them). Default true. */
  bootstrapOperator?: boolean;
}

/** Runs any set of modules in one process: one database client, one HTTP server, ordered shutdown. */
export async function startHost(options: HostOptions): Promise<Host> {
  const { config } = options;
  const groups = [
    ...(options.modules
      ? [{ prefix: '', application: { name: options.name, title: options.name }, modules: options.modules }]
      : []),
    ...(options.applications ?? []).map(({ application, modules }) => ({
      prefix: application.pathPrefix,
      application,
      modules,
    })),
  ];
  const allModules = groups.flatMap((group) => group.modules);
  // Checked before anything is opened: a process that cannot check tokens, or cannot open accounts where it
  // is told to, must not start.
  const builtInProvider = config.auth.jwksUrl === undefined;
  const problems = [
    ...(!builtInProvider && config.auth.issuer === undefined
      ? ['AUTH_ISSUER must be set with AUTH_JWKS_URL: tokens are checked against both']
      : []),
    ...(!builtInProvider && config.auth.identityUrl !== undefined && config.auth.client === undefined
      ? [
          'AUTH_CLIENT_ID and AUTH_CLIENT_SECRET must be set with AUTH_IDENTITY_URL: accounts are opened there ' +
            "with this process's client credential",
        ]
      : []),
    ...(config.rpcServices.size > 0 && !builtInProvider && !config.auth.client
      ? [
          'RPC_SERVICES names modules of other processes, and this process has no credential to call them with: ' +
            'set AUTH_CLIENT_ID and AUTH_CLIENT_SECRET (a client with the service role at the identity provider)',
        ]
      : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat, name: options.name });
  const ownsDb = !options.db;
  const db =
    options.db ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      applicationName: options.name,
      maxConnections: config.databasePoolSize,
      onAfterCommitError: (error) => logger.error({ err: error }, 'after-commit handler failed'),
    }));
  logger.info(
    { database: config.databaseUrl ? 'postgres' : `pglite (${config.dataDir})` },
    'database opened',
  );

  await migrate(
    db,
    [
      brokerMigrations(config),
      idempotencyMigrations(),
      ...(builtInProvider ? [identityMigrations()] : []),
      ...allModules.flatMap((module) => module.migrations),
    ],
    (line) => logger.info(line),
  );
  // The issuer is this server's URL unless configured: known once it listens, before any token is asked for.
  let url = '';
  const issuer = () => config.auth.issuer ?? url;
  const identity = builtInProvider
    ? await openIdentityProvider({
        db,
        issuer,
        audience: config.auth.audience,
        accessTtlSeconds: config.auth.accessTtlSeconds,
        refreshTtlSeconds: config.auth.refreshTtlSeconds,
        logger: logger.child({ component: 'identity' }),
      })
    : undefined;
  const verifier: TokenVerifier =
    identity?.verifier ??
    createTokenVerifier({
      issuer,
      audience: config.auth.audience,
      keys: new URL(config.auth.jwksUrl as string),
      rolesClaim: config.auth.rolesClaim,
    });
  if (identity && config.auth.client) {
    await identity.registerClient(config.auth.client.id, config.auth.client.secret, [SERVICE_ROLE]);
  }
  const serviceToken = serviceTokenOf(config, identity);
  const accounts = identityAccounts(config, identity, serviceToken);
  // NATS JetStream when configured, else the embedded broker in the same database (ADR 0008).
  const onError = (error: unknown, context: object) =>
    logger.error({ err: error, ...context }, 'message handling failed');
  const broker = await openBroker(config, db, { name: options.name, onError });
  logger.info(
    config.natsUrl ? { broker: 'nats', stream: config.natsStream } : { broker: 'embedded' },
    'broker ready',
  );

  const http = await createHttpServer({
    logger,
    title: options.name,
    version: options.version,
    description: options.description,
    landingPage: options.landingPage,
    bodyLimit: config.httpBodyLimit,
    rateLimit: rateLimitOf(config),
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    // Every mutating route accepts an Idempotency-Key (ADR 0010), each caller's keys their own.
    idempotency: {
      db,
      retentionMs: config.idempotencyRetentionMs,
      scope: (request) => request.principal?.subject ?? 'anonymous',
    },
    authentication: { verifier },
    readiness: {
      database: async () => (await db.query('SELECT 1 AS ok')).rows.length === 1,
    },
    tags: [
      ...allModules.map((module) => ({ name: module.name, description: module.description })),
      ADMIN_TAG,
      ...(builtInProvider ? [IDENTITY_TAG] : []),
    ],
  });
  registerAdminRoutes(http, broker);
  registerFlowRoutes(http, broker, { tracesUrl: config.tracesUrl });
  registerTopologyRoute(http, groups);
  // A process of one module serves no page: the gateway in front of the modules serves them (ADR 0038).
  await registerWebPages(
    http,
    (options.applications ?? [])
      .filter(({ application, modules }) => modules.length === application.modules.length)
      .map(({ application }) => application),
    logger,
  );
  if (identity) {
    const roles = [...(options.roles ?? []), ...allModules.flatMap((module) => module.roles ?? [])];
    await registerIdentityRoutes(http, identity, issuer().startsWith('https:'), roles);
  }

  const asyncApi = asyncApiDocument(
    { title: options.name, version: options.version, description: options.description },
    allModules.flatMap((module) => module.publishes ?? []),
    allModules.map((module) => ({ module: module.name, channels: module.receives ?? [] })),
  );
  http.get('/asyncapi.json', { schema: { hide: true }, config: { audience: 'anyone' } }, () => asyncApi);

  const rpc = createRpcServer({ logger: logger.child({ component: 'rpc' }), verifier });
  // This process's own address as other processes on this machine reach it: known once it listens.
  let reachableUrl: string | undefined;
  const running: Array<{ name: string; module: RunningModule }> = [];
  for (const group of groups) {
    const services = localServices();
    const startModules = async (scoped: HttpServer) => {
      for (const module of group.modules) {
        const context = {
          db,
          broker: brokerOfModule(broker, module.name),
          http: scoped,
          rpc: rpc.registrar,
          logger: logger.child({ module: module.name }),
          services,
          rpcServices: config.rpcServices,
          httpAddressOf: (name: string) => {
            const here = group.modules.some((module) => module.name === name);
            const base = here ? reachableUrl : config.httpServices.get(name);
            return base === undefined ? undefined : `${base}${group.prefix}`;
          },
          serviceToken: serviceToken ?? noServiceToken,
          identity: accounts,
        };
        running.push({ name: module.name, module: await module.start(context) });
        logger.info({ module: module.name }, 'module started');
      }
    };
    if (group.prefix === '') await startModules(http);
    // An encapsulated context: every route its modules declare is under the prefix, in the docs too.
    else await http.register(async (scoped) => startModules(scoped as HttpServer), { prefix: group.prefix });
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('stopping');
      // Open streams end first (Unavailable), so that their handlers' last calls land before the modules stop.
      await Promise.all([rpc.close(Math.min(config.shutdownTimeoutMs / 2, 5_000)), http.close()]);
      await stopModules(running, logger);
      await broker.close();
      if (ownsDb) await db.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  // Before the server answers, so that whoever waits for it to be ready finds the operator made.
  if (identity && options.bootstrapOperator !== false) {
    await identity.ensureOperator(config.auth.operator, (line) => process.stdout.write(`${line}\n`));
  }
  try {
    await http.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stop();
    throw portError(error, 'PORT', config.port);
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  url = `http://${shownHost}:${port}`;
  const reachableHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  reachableUrl = `http://${reachableHost}:${port}`;
  let rpcUrl: string | undefined;
  if (rpc.hasServices()) {
    try {
      const rpcPort = await rpc.listen(rpcPortOf(config), config.host);
      rpcUrl = `http://${reachableHost}:${rpcPort}`;
      logger.info(
        { url: `http://${shownHost}:${rpcPort}` },
        'rpc server listening (h2c: gRPC, gRPC-Web, Connect)',
      );
    } catch (error) {
      await stop();
      throw portError(error, 'RPC_PORT', rpcPortOf(config));
    }
  }
  // Where this process and its companions reach the provider (the issuer may be a name only others resolve).
  const identityUrl = identity ? `http://${reachableHost}:${port}` : config.auth.identityUrl;
  return { http, db, broker, logger, url, rpcUrl, identity, identityUrl, serviceToken, stop };
}

const noServiceToken = async (): Promise<string> => {
  throw new Error('this process has no service credential: set AUTH_CLIENT_ID and AUTH_CLIENT_SECRET');
};

/**
 * This process's own token (the service role): issued here when the built-in provider runs here (for its
 * client id, `services` unless AUTH_CLIENT_ID names another), else fetched with its client credential from the
 * provider AUTH_IDENTITY_URL names, or from the token endpoint the issuer's discovery document names (an
 * external OpenID Connect provider). Renewed a minute before it expires.
 */
function serviceTokenOf(
  config: Config,
  identity: IdentityProvider | undefined,
): (() => Promise<string>) | undefined {
  if (identity) {
    const subject = config.auth.client?.id ?? SERVICES_CLIENT_ID;
    return renewedToken(() => identity.issue({ subject, roles: [SERVICE_ROLE], client: true }));
  }
  const { client, identityUrl, issuer } = config.auth;
  if (!client) return undefined;
  return clientCredentialToken({
    tokenUrl: identityUrl
      ? `${identityUrl.replace(/\/+$/, '')}${TOKEN_PATH}`
      : discoveredTokenUrl(issuer as string),
    clientId: client.id,
    clientSecret: client.secret,
  });
}

/**
 * Where modules open accounts: the built-in provider here, or the one AUTH_IDENTITY_URL names (with this
 * process's client credential); with an external OpenID Connect provider, people register there.
 */
function identityAccounts(
  config: Config,
  identity: IdentityProvider | undefined,
  serviceToken: (() => Promise<string>) | undefined,
): IdentityAccounts {
  if (identity) return identity.accounts;
  const { identityUrl } = config.auth;
  if (identityUrl && serviceToken) return remoteAccounts({ identityUrl, token: serviceToken });
  return {
    register: async () => {
      throw failedPrecondition(
        'accounts_elsewhere',
        'accounts are opened at the identity provider this system trusts, not here',
      );
    },
  };
}

/** Stops a host (or the gateway, a companion) on SIGINT/SIGTERM, within the configured time, then exits. */
export function stopOnSignals(host: Pick<Host, 'logger' | 'stop'>, timeoutMs: number) {
  const onSignal = (signal: NodeJS.Signals) => {
    host.logger.info({ signal }, 'signal received, shutting down');
    const timer = setTimeout(() => {
      host.logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    host
      .stop()
      .then(stopTelemetry)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          host.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/** Services offered within one application: each application of a process has its own. */
function localServices(): Services {
  const provided = new Map<string, unknown>();
  return {
    provide(name, service) {
      if (provided.has(name)) throw new Error(`the service ${name} is already provided`);
      provided.set(name, service);
    },
    find: <Service>(name: string) => provided.get(name) as Service | undefined,
  };
}

async function stopModules(running: Array<{ name: string; module: RunningModule }>, logger: Logger) {
  for (const { name, module } of running.reverse()) {
    await module
      .stop?.()
      .catch((error: unknown) => logger.error({ err: error, module: name }, 'module stop failed'));
  }
  running.length = 0;
}

/**
 * A port already taken is a configuration problem, not a crash: one line naming the variable to change (the
 * entry prints a ConfigError without a stack trace).
 */
export function portError(error: unknown, variable: string, port: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new ConfigError([
      `port ${port} is already in use: stop what listens there, or set ${variable} to another (0: any free port)`,
    ]);
  }
  if (code === 'EACCES') {
    return new ConfigError([`port ${port} needs privileges this process lacks: set ${variable} to another`]);
  }
  return error;
}
