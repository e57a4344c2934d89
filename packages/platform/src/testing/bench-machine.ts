/**
 * What every benchmark prints about where it ran, and the scratch databases' server: one copy for all of them,
 * the platform's benchmarks and the applications' (`benchMachine` from `@tessera/platform/testing`).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { onServer } from './databases.js';

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const withAdmin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> =>
  onServer(SERVER_URL, work);

/**
 * The server as a benchmark prints it: its version and the settings that sway its figures, e.g.
 * `PostgreSQL 16.4 (fsync=on, synchronous_commit=on)`.
 */
export const describeServer = (settings: readonly string[]): Promise<string> =>
  withAdmin(async (client) => {
    const { rows } = await client.query<{ version: string; settings: string[] }>(
      "SELECT version() AS version, array(SELECT name || '=' || current_setting(name) FROM unnest($1::text[]) name) AS settings",
      [settings],
    );
    const server = rows[0]!;
    return `${server.version.split(' on ')[0]} (${server.settings.join(', ')})`;
  });

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

/** The installed version of a package: from the package.json above its entry point. */
export function versionOf(name: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    for (;;) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
      } catch {
        // no package.json here: keep going up
      }
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'unknown';
  }
}
