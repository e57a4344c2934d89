import { describe, expect, it } from 'vitest';
import { exists, read } from './support.js';

// Continuation lines joined: an instruction is one line.
const dockerfile = read('Dockerfile').replace(/\\\n\s*/g, ' ');
const instructions = (keyword: string) =>
  [...dockerfile.matchAll(new RegExp(`^${keyword}\\s+(.+)$`, 'gm'))].map((match) => match[1]!);

describe('Dockerfile', () => {
  it('copies only paths that exist, and every source the app loads at run time', () => {
    const sources = instructions('COPY')
      .filter((line) => !line.startsWith('--from'))
      .flatMap((line) => line.split(/\s+/).slice(0, -1));
    for (const source of sources) expect(exists(source), source).toBe(true);
    for (const needed of [
      'packages/platform/src',
      'apps/mallbots/src',
      'apps/mallbots/package.json',
      'tsconfig.json',
    ]) {
      expect(sources).toContain(needed);
    }
  });

  it('installs production dependencies only, which must include tsx', () => {
    expect(instructions('RUN').some((line) => line.includes('npm ci --omit=dev'))).toBe(true);
    const packageJson = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(packageJson.dependencies.tsx, 'the image runs TypeScript with tsx').toBeDefined();
  });

  it('runs main.ts as a non-root user, exposing the HTTP and RPC ports and checking /readiness', () => {
    expect(instructions('USER').at(-1)).toBe('node');
    expect(instructions('EXPOSE')).toEqual(['8080 8085']);
    const [cmd] = instructions('CMD');
    const command = JSON.parse(cmd!) as string[];
    expect(command).toEqual(['node', '--import', 'tsx', 'apps/mallbots/src/main.ts']);
    expect(exists(command[3]!)).toBe(true);
    expect(instructions('HEALTHCHECK').join(' ')).toContain('/readiness');
  });

  it('keeps tests, local data and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/.data', '.env', '.git', 'apps/*/test']) {
      expect(ignored).toContain(pattern);
    }
  });
});
