import { existsSync } from 'node:fs';
import { ConfigError } from './config.js';

/** Loads `.env` once: variables already in the environment win over the file, as with any dotenv loader. */
export function loadEnvFile(path = '.env') {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * The value `load` gives, or the process ends with its ConfigError's problems on stderr, one per line and no
 * stack trace: nothing can run on a bad configuration, and the person starting it needs only the lines.
 */
export function orExit<T>(load: () => T, exitCode = 1): T {
  try {
    return load();
  } catch (error) {
    exitOnConfigError(error, exitCode);
  }
}

/** A ConfigError ends the process with its message on stderr; anything else is thrown again. */
export function exitOnConfigError(error: unknown, exitCode = 1): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(exitCode);
}

/** Runs every loader, so that one ConfigError names the problems of all of them. */
export function collectProblems<T extends readonly unknown[]>(...loaders: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = [];
  const results = loaders.map((load) => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return results as unknown as T;
}
