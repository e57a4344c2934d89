import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exclusively, freePort, outsideEnvironment, runCommand } from '@tessera/platform/testing';
import { afterAll, describe, expect, it } from 'vitest';

import { applicationsBuild, filesUnder, imageCommand, read, root } from './support.js';

/**
 * What the image does, without Docker: its build stage's `npm run build`, then its command (the Dockerfile's
 * CMD, read from there) with plain node on the compiled JavaScript, as the image runs it: no tsx, no
 * `@tessera/source` condition, so `@tessera/platform` is the platform's dist/. It must answer /readiness.
 */

const timings: Record<string, number> = {};
const dataDir = mkdtempSync(join(tmpdir(), 'mallbots-image-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  console.info(`image e2e timings (s): ${JSON.stringify(timings)}`);
});

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round((performance.now() - start) / 100) / 10;
  }
}

type Manifest = { dependencies?: Record<string, string> };
const manifest = (path: string) => JSON.parse(read(path)) as Manifest;

/** The packages the compiled code imports by name, with the file that does: each must be installed in the image. */
function importedPackages(dir: string): { name: string; file: string }[] {
  const specifiers =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  return filesUnder(dir, ['.js']).flatMap((file) =>
    [...readFileSync(join(root, dir, file), 'utf8').matchAll(specifiers)]
      .map((match) => match[1] ?? match[2] ?? match[3]!)
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
      .map((specifier) => ({
        name: specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/'),
        file: `${dir}/${file}`,
      })),
  );
}

describe('the image, without Docker', () => {
  it('builds with npm run build, and its command runs the compiled entry on plain node until /readiness answers', async () => {
    const { outDir } = applicationsBuild();
    const command = imageCommand();
    expect(command[0]).toBe('node');

    await exclusively(root, async () => {
      await timed('npm run build', () => runCommand('npm', ['run', 'build'], { cwd: root }));

      // The image has the production dependencies only: nothing the compiled code loads may be missing there.
      const production = new Set([
        ...Object.keys(manifest('package.json').dependencies ?? {}),
        ...Object.keys(manifest('packages/platform/package.json').dependencies ?? {}),
        ...Object.keys(manifest('apps/mallbots/package.json').dependencies ?? {}),
        ...builtinModules,
      ]);
      const imported = [...importedPackages(outDir), ...importedPackages('packages/platform/dist')]
        // The platform's testing entry is for tests (its vitest is an optional peer); nothing at run time loads it.
        .filter(({ file }) => !file.startsWith('packages/platform/dist/testing/'));
      expect(imported.length).toBeGreaterThan(0);
      expect(imported.filter(({ name }) => !production.has(name))).toEqual([]);

      const [port, rpcPort] = [await freePort(), await freePort()];
      const url = `http://127.0.0.1:${port}`;
      let output = '';
      child = spawn(process.execPath, command.slice(1), {
        cwd: root,
        env: outsideEnvironment({
          NODE_ENV: 'production',
          PORT: String(port),
          RPC_PORT: String(rpcPort),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          NATS_URL: '',
          MODULES: '',
          ROBOTS: '0',
          LOG_LEVEL: 'warn',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));

      await timed('start until ready', async () => {
        const deadline = Date.now() + 120_000;
        for (;;) {
          if (child!.exitCode !== null) throw new Error(`exited with ${child!.exitCode}:\n${output}`);
          const ready = await fetch(`${url}/readiness`).then(
            (response) => response.ok,
            () => false,
          );
          if (ready) break;
          if (Date.now() > deadline) throw new Error(`not ready after 120s:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      });
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited, `a graceful stop on SIGTERM:\n${output}`).toBe(0);
      child = undefined;
    });
  }, 900_000);
});
