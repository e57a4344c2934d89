import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * The environment of a process that runs as it would outside this repository: without the `@tessera/source`
 * condition (.npmrc puts it in NODE_OPTIONS for everything npm starts here, these tests included), so that
 * `@tessera/platform` resolves to its dist/, and without the npm_* variables of the npm that started the tests,
 * which would point a nested npm at this workspace.
 */
export function outsideEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
  env.NODE_OPTIONS = (env.NODE_OPTIONS ?? '')
    .split(/\s+/)
    .filter((option) => option !== '' && !option.includes('@tessera/source'))
    .join(' ');
  return { ...env, ...extra };
}

/** Runs a command to its end; a non-zero exit rejects with its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? outsideEnvironment(),
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** Runs `work` and reports how long it took, in seconds with one decimal. */
export async function timed<T>(timings: Record<string, number>, name: string, work: () => Promise<T>) {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round((performance.now() - start) / 100) / 10;
  }
}

/**
 * Runs `work` while no other process of this repository holds the build lock: builds write
 * packages/platform/dist, which another e2e file may be building or reading at the same time (files run in
 * parallel). apps/mallbots/test/deployment/build.ts takes the same lock (same directory name).
 */
export async function exclusively<T>(work: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const lock = join(tmpdir(), `tessera-build-${id}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Left behind by a run that was killed: older than any build.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > timeoutMs) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error(`the build lock ${lock} is still held`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
