import type { Companion } from '@tessera/platform/runtime';
import { loadRobotsConfig } from './config.js';
import { robotCredentials } from './credentials.js';
import { fleetBots, startFleet } from './fleet.js';

/**
 * The simulated robots beside the depot (ROBOTS, default 3; 0: none): they drive it through its robots' API
 * only, as real ones would, each with a client credential of its own that the companion makes at the identity
 * provider with the system's service credential when it starts (the provider of `npm start`'s own process, or
 * the launcher's identity process). `npm start` runs them in its process; the launcher gives them one of
 * their own.
 */
export const robotsCompanion: Companion = {
  name: 'robots',
  beside: 'depot',
  async start({ env, logger, rpcUrl, identity }) {
    const config = loadRobotsConfig(env);
    const url = config.url ?? rpcUrl;
    if (config.count === 0 || !url) return undefined;
    if (!identity) {
      // Not a reason to stop the system (a deployment on an external provider): no robots, and why.
      logger.warn(
        { robots: config.count },
        'the simulated robots are off: they make their credentials at the built-in identity provider, and ' +
          'none is known here (an external provider, AUTH_JWKS_URL, without AUTH_IDENTITY_URL and ' +
          'AUTH_CLIENT_ID); set ROBOTS=0 to say so',
      );
      return undefined;
    }
    const bots = fleetBots(config.prefix, config.count);
    const credentials = await robotCredentials(identity, bots);
    const fleet = startFleet({ ...config, url, logger, credentials });
    return {
      summary: `${fleet.bots.length} simulated robots drive the depot through its robots' API at ${url}, each with a credential of its own`,
      stop: () => fleet.stop(),
    };
  },
};
