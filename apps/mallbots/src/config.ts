import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig, type Module } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };

export const app = {
  name: 'MallBots',
  version: packageJson.version,
  description: packageJson.description,
};

/** Loads `.env` once: variables already in the environment win over the file, as with any dotenv loader. */
function loadEnvFile() {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/** The configuration, or the process ends with the problems on stderr: nothing can run on a bad config. */
export function configOrExit(): Config {
  return orExit(() => {
    loadEnvFile();
    return loadConfig();
  });
}

/**
 * The modules this process runs (ADR 0019): `MODULES`, comma-separated names, chooses the topology. Unset,
 * empty or `all`: every module in one process (the monolith); one name: that module's own process. They keep
 * the order of `all` (start order), whatever order the variable lists them in.
 */
export function selectModules<M extends Pick<Module, 'name'>>(
  all: readonly M[],
  value: string | undefined,
): readonly M[] {
  const raw = (value ?? '').trim();
  if (raw === '' || raw === 'all') return all;
  const names = raw.split(',').map((name) => name.trim());
  const known = new Set(all.map((module) => module.name));
  const problems = names
    .filter((name) => !known.has(name))
    .map(
      (name) =>
        `MODULES names an unknown module ${JSON.stringify(name)} (known: ${[...known].join(', ')}, or all)`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return all.filter((module) => names.includes(module.name));
}

/** `selectModules` on this process's environment, or the process ends with the problem on stderr. */
export function modulesOrExit(all: readonly Module[]): readonly Module[] {
  return orExit(() => {
    loadEnvFile();
    return selectModules(all, process.env.MODULES);
  });
}

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
