import { startHost, stopOnSignals } from '@tessera/platform/runtime';
import { app, configOrExit } from './config.js';
import { mallbotsModules } from './modules.js';

const config = configOrExit();
const host = await startHost({ ...app, modules: mallbotsModules, config });
stopOnSignals(host, config.shutdownTimeoutMs);
host.logger.info({ url: host.url }, 'MallBots is running');
process.stdout.write(`MallBots is running at ${host.url} (API docs at ${host.url}/docs)\n`);
