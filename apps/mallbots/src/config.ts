import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };

export const app = {
  name: 'MallBots',
  version: packageJson.version,
  description: packageJson.description,
};

/** The configuration, or the process ends with the problems on stderr: nothing can run on a bad config. */
export function configOrExit(): Config {
  try {
    // Variables already in the environment win over the file, as with any dotenv loader.
    if (existsSync('.env')) process.loadEnvFile('.env');
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
