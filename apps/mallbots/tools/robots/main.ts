import { createLogger } from '@tessera/platform/observability';
import { ConfigError, DEFAULT_RPC_PORT } from '@tessera/platform/runtime';
import { loadRobotsConfig } from './config.js';
import { startFleet } from './fleet.js';

/**
 * The robot simulator on its own: `npm run robots -- --count 5`. It talks to a running MallBots through the
 * robots' API only, as real bots would.
 */
let config: ReturnType<typeof loadRobotsConfig>;
try {
  config = loadRobotsConfig(process.env, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
const logger = createLogger({
  level: process.env.LOG_LEVEL || 'info',
  format: process.env.LOG_FORMAT === 'json' || !process.stdout.isTTY ? 'json' : 'pretty',
  name: 'robots',
});
const fleet = startFleet({ ...config, url: config.url ?? `http://127.0.0.1:${DEFAULT_RPC_PORT}`, logger });
const stop = () => {
  fleet.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping the robots failed');
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
