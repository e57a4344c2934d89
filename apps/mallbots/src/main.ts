import { createLogger } from '@tessera/platform/observability';
import { ConfigError, startHost, stopOnSignals } from '@tessera/platform/runtime';
import { app, configOrExit, modulesOrExit } from './config.js';
import { mallbotsModules } from './modules.js';
import { loadRobotsConfig } from '../tools/robots/config.js';
import { type Fleet, startFleet } from '../tools/robots/fleet.js';

const config = configOrExit();
// MODULES chooses the topology: every module here (the monolith), or some of them (one process per module).
const modules = modulesOrExit(mallbotsModules);
let robots: ReturnType<typeof loadRobotsConfig>;
try {
  robots = loadRobotsConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const host = await startHost({ ...app, modules, config });

// Simulated robots (ROBOTS, default 3; 0: none) drive the depot through its robots' API, as real ones would:
// only in the process that runs the depot (elsewhere `npm run robots` is their own process).
let fleet: Fleet | undefined;
const runsDepot = modules.some((module) => module.name === 'depot');
const robotsUrl = robots.url ?? host.rpcUrl;
if (runsDepot && robots.count > 0 && robotsUrl) {
  fleet = startFleet({
    ...robots,
    url: robotsUrl,
    logger: createLogger({ level: config.logLevel, format: config.logFormat, name: 'robots' }),
  });
}
// The robots go first: their streams close while the depot can still record it.
stopOnSignals(
  {
    ...host,
    async stop() {
      await fleet?.stop();
      await host.stop();
    },
  },
  config.shutdownTimeoutMs,
);
host.logger.info(
  {
    url: host.url,
    rpcUrl: host.rpcUrl,
    modules: modules.map((module) => module.name),
    robots: fleet?.bots.length ?? 0,
  },
  'MallBots is running',
);
const which =
  modules.length === mallbotsModules.length ? '' : ` (${modules.map((module) => module.name).join(', ')})`;
process.stdout.write(`MallBots${which} is running at ${host.url} (API docs at ${host.url}/docs)\n`);
if (host.rpcUrl && runsDepot) {
  process.stdout.write(
    `Robots' API (gRPC, gRPC-Web, Connect over HTTP/2) at ${host.rpcUrl}; ${fleet?.bots.length ?? 0} simulated robots\n`,
  );
}
