import { createLogger } from '../../observability/index.js';
import { type Application, selectApplications } from '../application.js';
import { ConfigError, loadConfig, rateLimitOf } from '../config.js';
import { exitOnConfigError, loadEnvFile, orExit } from '../entry-config.js';
import { portError, stopOnSignals } from '../host.js';
import { landingPage } from '../landing.js';
import { processTitle } from '../serve.js';
import { parseServiceAddresses } from '../service-addresses.js';
import { createGateway, IDENTITY_SERVICE } from './gateway.js';

/**
 * The API gateway of the distributed topology (`npm run gateway`): PORT, HOST, LOG_LEVEL, LOG_FORMAT,
 * HTTP_BODY_LIMIT, RATE_LIMIT_MAX, RATE_LIMIT_WINDOW, CORS_ORIGINS, TRUST_PROXY and APPS as for one process,
 * and HTTP_SERVICES, each module's HTTP address (`stores=http://127.0.0.1:8101,...`). Each module's routes keep
 * its application's prefix.
 */
export async function serveGateway(applications: readonly Application[]): Promise<void> {
  loadEnvFile();
  const { config, services, chosen } = orExit(() => {
    const settings = {
      config: loadConfig(),
      services: parseServiceAddresses('HTTP_SERVICES', process.env.HTTP_SERVICES),
      chosen: selectApplications(applications, process.env.APPS),
    };
    if (settings.services.size === 0) throw new ConfigError(['HTTP_SERVICES names no module']);
    const known = new Set(settings.chosen.flatMap((application) => application.modules.map((m) => m.name)));
    const unknown = [...settings.services.keys()].filter(
      (name) => !known.has(name) && name !== IDENTITY_SERVICE,
    );
    if (unknown.length > 0) {
      throw new ConfigError(
        unknown.map((name) => `HTTP_SERVICES names ${name}, no module of ${[...known].join(', ')}`),
      );
    }
    return settings;
  });
  const prefixes = new Map(
    chosen.flatMap((application) =>
      application.modules.map((module) => [module.name, application.pathPrefix] as const),
    ),
  );
  const mounted = chosen.map((application) => ({ application, modules: application.modules }));
  const title = processTitle(mounted);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, name: 'gateway' });
  const gateway = await createGateway({
    services,
    prefixes,
    logger,
    landingPage: landingPage(mounted),
    applications: chosen,
    bodyLimit: config.httpBodyLimit,
    corsOrigins: config.corsOrigins,
    rateLimit: rateLimitOf(config),
    trustProxy: config.trustProxy,
    info: { title: title.name, version: title.version, description: title.description },
  });
  const url = await gateway
    .listen({ port: config.port, host: config.host })
    .catch((error: unknown) => exitOnConfigError(portError(error, 'PORT', config.port)));
  logger.info({ url, services: Object.fromEntries(services) }, 'gateway listening');
  process.stdout.write(`${title.name} gateway at ${url} (API docs at ${url}/docs)\n`);
  stopOnSignals({ logger, stop: () => gateway.close() }, config.shutdownTimeoutMs);
}
