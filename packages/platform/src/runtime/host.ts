import { createHttpServer, type HttpServer, idempotencyMigrations } from '../http/index.js';
import { asyncApiDocument } from '../messaging/asyncapi.js';
import type { Broker } from '../messaging/index.js';
import { createLogger, type Logger } from '../observability/index.js';
import { createRpcServer } from '../rpc/index.js';
import { migrate, openDatabase, type SqlClient } from '../sql/index.js';
import { ADMIN_TAG, registerAdminRoutes } from './admin-routes.js';
import type { Application } from './application.js';
import { brokerMigrations, openBroker } from './broker.js';
import { type Config, ConfigError, rateLimitOf, rpcPortOf } from './config.js';
import type { Module, RunningModule, Services } from './module.js';

export interface Host {
  readonly http: HttpServer;
  readonly db: SqlClient;
  readonly broker: Broker;
  readonly logger: Logger;
  /** The address the server listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The RPC server's address (h2c), e.g. http://127.0.0.1:8085; undefined when no module offers a service. */
  readonly rpcUrl: string | undefined;
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
}

/** Runs any set of modules in one process: one database client, one HTTP server, ordered shutdown. */
export async function startHost(options: HostOptions): Promise<Host> {
  const { config } = options;
  const groups = [
    ...(options.modules ? [{ prefix: '', modules: options.modules }] : []),
    ...(options.applications ?? []).map(({ application, modules }) => ({
      prefix: application.pathPrefix,
      modules,
    })),
  ];
  const allModules = groups.flatMap((group) => group.modules);
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
    [brokerMigrations(config), idempotencyMigrations(), ...allModules.flatMap((module) => module.migrations)],
    (line) => logger.info(line),
  );
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
    // Every mutating route accepts an Idempotency-Key (ADR 0010).
    idempotency: { db, retentionMs: config.idempotencyRetentionMs },
    readiness: {
      database: async () => (await db.query('SELECT 1 AS ok')).rows.length === 1,
    },
    tags: [
      ...allModules.map((module) => ({ name: module.name, description: module.description })),
      ADMIN_TAG,
    ],
  });
  registerAdminRoutes(http, broker);

  const asyncApi = asyncApiDocument(
    { title: options.name, version: options.version, description: options.description },
    allModules.flatMap((module) => module.publishes ?? []),
    allModules.map((module) => ({ module: module.name, channels: module.receives ?? [] })),
  );
  http.get('/asyncapi.json', { schema: { hide: true } }, () => asyncApi);

  const rpc = createRpcServer({ logger: logger.child({ component: 'rpc' }) });
  const running: Array<{ name: string; module: RunningModule }> = [];
  for (const group of groups) {
    const services = localServices();
    const startModules = async (scoped: HttpServer) => {
      for (const module of group.modules) {
        const context = {
          db,
          broker,
          http: scoped,
          rpc: rpc.registrar,
          logger: logger.child({ module: module.name }),
          services,
          rpcServices: config.rpcServices,
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

  try {
    await http.listen({ port: config.port, host: config.host });
  } catch (error) {
    await stop();
    throw portError(error, 'PORT', config.port);
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  const reachableHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
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
  return { http, db, broker, logger, url, rpcUrl, stop };
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
    host.stop().then(
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
