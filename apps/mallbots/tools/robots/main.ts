import { clientCredentialToken, passwordToken, TOKEN_PATH } from '@tessera/platform/identity';
import { createLogger } from '@tessera/platform/observability';
import { ConfigError, DEFAULT_RPC_PORT } from '@tessera/platform/runtime';
import { loadRobotsConfig, ROBOTS_USAGE } from './config.js';
import { type CredentialIssuer, robotCredentials } from './credentials.js';
import { fleetBots, startFleet } from './fleet.js';

/**
 * The robot simulator on its own: `npm run robots -- --count 5`. It talks to a running MallBots through the
 * robots' API only, as real bots would, each bot with a client credential of its own, which it makes at the
 * identity provider as the operator (OPERATOR_USERNAME, OPERATOR_PASSWORD, as MallBots was started with) or
 * as a service (AUTH_CLIENT_ID, AUTH_CLIENT_SECRET).
 */
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

function settings() {
  try {
    return loadRobotsConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail(error.message);
  }
}
const config = settings();

/** Who makes the robots' credentials: the operator's login, else a service's client credential. */
function issuerOf(env: NodeJS.ProcessEnv, url: string): CredentialIssuer {
  const tokenUrl = `${url.replace(/\/+$/, '')}${TOKEN_PATH}`;
  if (env.OPERATOR_USERNAME && env.OPERATOR_PASSWORD) {
    return {
      url,
      token: passwordToken({ tokenUrl, username: env.OPERATOR_USERNAME, password: env.OPERATOR_PASSWORD }),
    };
  }
  if (env.AUTH_CLIENT_ID && env.AUTH_CLIENT_SECRET) {
    return {
      url,
      token: clientCredentialToken({
        tokenUrl,
        clientId: env.AUTH_CLIENT_ID,
        clientSecret: env.AUTH_CLIENT_SECRET,
      }),
    };
  }
  return fail(
    'the robots need credentials of their own, made at the identity provider by an operator: set ' +
      `OPERATOR_USERNAME and OPERATOR_PASSWORD (as MallBots was started with), or AUTH_CLIENT_ID and AUTH_CLIENT_SECRET\n${ROBOTS_USAGE}`,
  );
}

const logger = createLogger({
  level: process.env.LOG_LEVEL || 'info',
  format: process.env.LOG_FORMAT === 'json' || !process.stdout.isTTY ? 'json' : 'pretty',
  name: 'robots',
});
const identityUrl = config.identityUrl ?? 'http://127.0.0.1:8080';
const bots = fleetBots(config.prefix, config.count);
const credentials = await robotCredentials(issuerOf(process.env, identityUrl), bots).catch((error: unknown) =>
  fail(`could not make the robots' credentials at ${identityUrl}: ${(error as Error).message}`),
);
const fleet = startFleet({
  ...config,
  url: config.url ?? `http://127.0.0.1:${DEFAULT_RPC_PORT}`,
  credentials,
  logger,
});
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
