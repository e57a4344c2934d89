import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './support.js';

/**
 * The environment of a process run as the image runs it: without the `@tessera/source` condition (.npmrc puts
 * it in NODE_OPTIONS for everything npm starts here, these tests included), so that `@tessera/platform`
 * resolves to its dist/, and without the npm_* variables of the npm that started the tests.
 */
export function imageEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
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
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = imageEnvironment()) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: root, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * Runs `work` while no other test process of this repository builds: builds write packages/platform/dist and
 * dist/, which another e2e file (packages/platform/test/package.e2e.test.ts, same lock) may be writing or
 * running from at the same time.
 */
export async function exclusively<T>(work: () => Promise<T>, timeoutMs = 900_000): Promise<T> {
  const lock = join(
    tmpdir(),
    `tessera-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > timeoutMs) rmSync(lock, { recursive: true, force: true });
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
