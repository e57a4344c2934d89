import type { Companion } from '@tessera/platform/runtime';
import { loadRobotsConfig } from './config.js';
import { startFleet } from './fleet.js';

/**
 * The simulated robots beside the depot (ROBOTS, default 3; 0: none): they drive it through its robots' API
 * only, as real ones would. `npm start` runs them in its process; the launcher gives them one of their own.
 */
export const robotsCompanion: Companion = {
  name: 'robots',
  beside: 'depot',
  async start({ env, logger, rpcUrl }) {
    const config = loadRobotsConfig(env);
    const url = config.url ?? rpcUrl;
    if (config.count === 0 || !url) return undefined;
    const fleet = startFleet({ ...config, url, logger });
    return {
      summary: `${fleet.bots.length} simulated robots drive the depot through its robots' API at ${url}`,
      stop: () => fleet.stop(),
    };
  },
};
