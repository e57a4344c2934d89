import { createLogger } from '@tessera/platform/observability';
import { ConfigError, loadConfig } from '@tessera/platform/runtime';
import { app as mallbots } from '../config.js';
import { parseServiceAddresses } from './contract/service-addresses.js';
import { createGateway } from './gateway.js';

/**
 * The API gateway of the distributed topology (`npm run gateway`): PORT, HOST, LOG_LEVEL, LOG_FORMAT as for
 * MallBots, and HTTP_SERVICES, each module's HTTP address (`stores=http://127.0.0.1:8101,...`).
 */
let settings: { config: ReturnType<typeof loadConfig>; services: ReturnType<typeof parseServiceAddresses> };
try {
  settings = {
    config: loadConfig(),
    services: parseServiceAddresses('HTTP_SERVICES', process.env.HTTP_SERVICES),
  };
  if (settings.services.size === 0) throw new ConfigError(['HTTP_SERVICES names no module']);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const { config, services } = settings;
const logger = createLogger({ level: config.logLevel, format: config.logFormat, name: 'gateway' });
const gateway = await createGateway({
  services,
  logger,
  info: { title: mallbots.name, version: mallbots.version, description: mallbots.description },
});
const url = await gateway.listen({ port: config.port, host: config.host });
logger.info({ url, services: Object.fromEntries(services) }, 'gateway listening');
process.stdout.write(`MallBots gateway at ${url} (API docs at ${url}/docs)\n`);

const stop = (signal: NodeJS.Signals) => {
  logger.info({ signal }, 'signal received, shutting down');
  setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
