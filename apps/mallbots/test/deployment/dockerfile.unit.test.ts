import { describe, expect, it } from 'vitest';
import {
  applicationNames,
  applicationsBuild,
  argumentsOf,
  dockerfileStages,
  exists,
  imageCommand,
  read,
  sourceOfCompiled,
} from './support.js';

const stages = dockerfileStages();
const build = stages.find((stage) => stage.name === 'build')!;
const runtime = stages.at(-1)!;
/** What a COPY takes from the build context (not from another stage). */
const copiedFromContext = (stage: (typeof stages)[number]) =>
  argumentsOf(stage, 'COPY')
    .filter((line) => !line.startsWith('--from'))
    .flatMap((line) => line.split(/\s+/).slice(0, -1));
const copiedFromStage = (stage: (typeof stages)[number], from: string) =>
  argumentsOf(stage, 'COPY')
    .filter((line) => line.startsWith(`--from=${from} `))
    .map((line) => line.split(/\s+/).slice(1));

interface LockedPackage {
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
}

/** The packages `npm ci --omit=dev --omit=optional` installs, as npm decides it from the lock file. */
function productionPackages(): Set<string> {
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockedPackage> };
  return new Set(
    Object.entries(lock.packages)
      .filter(([path]) => path.includes('node_modules/'))
      .filter(([, locked]) => !locked.dev && !locked.optional && !locked.devOptional)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
}

describe('Dockerfile', () => {
  it('copies only paths that exist: the sources into the build stage, every application among them', () => {
    for (const stage of stages) {
      for (const source of copiedFromContext(stage)) expect(exists(source), source).toBe(true);
    }
    const sources = copiedFromContext(build);
    for (const needed of [
      'tsconfig.json',
      'scripts',
      'packages/platform/tsconfig.build.json',
      'packages/platform/src',
      'apps/tsconfig.build.json',
      'apps/main.ts',
    ]) {
      expect(sources).toContain(needed);
    }
    // Every application the entry finds (apps/<name>/src/app.ts) is in the image.
    expect(applicationNames()).toContain('mallbots');
    for (const name of applicationNames()) {
      for (const path of [`apps/${name}/package.json`, `apps/${name}/src`, `apps/${name}/tools`]) {
        if (exists(path)) expect(sources, path).toContain(path);
      }
    }
  });

  it('compiles in a build stage (every dependency, then npm run build) and installs production dependencies only', () => {
    expect(argumentsOf(build, 'RUN')).toEqual([expect.stringMatching(/^npm ci\b/), 'npm run build']);
    expect(argumentsOf(build, 'RUN')[0]).not.toContain('--omit');
    const install = stages
      .flatMap((stage) => argumentsOf(stage, 'RUN'))
      .find((line) => line.includes('--omit'));
    expect(install).toMatch(/^npm ci --omit=dev --omit=optional\b/);
    // The platform's optional peer (vitest) is why optional is omitted too: no tsx, TypeScript or vitest.
    const production = productionPackages();
    for (const tool of ['tsx', 'typescript', 'vitest', 'vite', 'esbuild']) {
      expect(production.has(tool), `${tool} is installed in the image`).toBe(false);
    }
    for (const driver of ['fastify', 'pg', '@electric-sql/pglite', 'pino', 'zod']) {
      expect(production.has(driver), driver).toBe(true);
    }
    const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.tsx, 'tsx is for development only').toBeUndefined();
  });

  it('runs the compiled entry with plain node, as a non-root user, exposing HTTP and RPC and checking /readiness', () => {
    const { outDir } = applicationsBuild();
    expect(copiedFromStage(runtime, 'build')).toEqual([
      ['/app/packages/platform/dist', 'packages/platform/dist'],
      [`/app/${outDir}`, outDir],
    ]);
    expect(copiedFromContext(runtime).filter((path) => /(^|\/)src$|\.ts$/.test(path))).toEqual([]);
    expect(runtime.instructions.join('\n')).not.toMatch(/tsx|typescript/i);

    const [node, entry, ...args] = imageCommand();
    expect(node).toBe('node');
    expect(entry, 'a compiled entry, no node options (no --import tsx)').toMatch(/^[^-].*\.js$/);
    expect(entry!.startsWith(`${outDir}/`), `${entry} is built by npm run build`).toBe(true);
    expect(exists(sourceOfCompiled(entry!)!), `the source of ${entry}`).toBe(true);
    expect(args).toEqual(['start']);

    expect(argumentsOf(runtime, 'USER').at(-1)).toBe('node');
    expect(argumentsOf(runtime, 'EXPOSE')).toEqual(['8080 8085']);
    expect(argumentsOf(runtime, 'HEALTHCHECK').join(' ')).toContain('/readiness');
  });

  it('keeps tests, local data, build output and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/.data', '**/dist', '.env', '.git', 'apps/*/test']) {
      expect(ignored).toContain(pattern);
    }
  });
});
