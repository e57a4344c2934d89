import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The processes tests start (`node --import tsx apps/main.ts ...`) resolve the platform to its source as well,
// however vitest was started (npm and npx set this from .npmrc; an editor's test runner may not).
const SOURCE = '--conditions=@tessera/source';
if (!process.env.NODE_OPTIONS?.includes(SOURCE)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${SOURCE}`.trim();
}

const everyTest = ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'];
const unit = everyTest.map((pattern) => pattern.replace('*.test.ts', '*.unit.test.ts'));
const endToEnd = everyTest.map((pattern) => pattern.replace('*.test.ts', '*.e2e.test.ts'));
const browser = everyTest.map((pattern) => pattern.replace('*.test.ts', '*.browser.test.ts'));

/**
 * Tests are named by kind: `*.unit.test.ts` are pure (no database, broker, socket or process: a guard fails
 * one that tries), `*.e2e.test.ts` run the application as deployed (processes, the launcher, its public
 * API), `*.browser.test.ts` are a person's journeys through the web pages in a real Chromium (their setup
 * builds the pages first), and every other `*.test.ts` is an integration test against real PostgreSQL,
 * PGlite and NATS.
 * `npm run test:unit` runs the first kind in seconds; `npm test` runs all three.
 */
export default defineConfig({
  // `@tessera/platform/<part>` is its TypeScript source here, as for tsc and tsx (see .npmrc): vite resolves
  // the tests' imports itself, so it is told too. Not the bundlers' `module` condition: Node does not know
  // it, and packages (OpenTelemetry's) whose `module` build Node cannot load would be loaded from it.
  ssr: {
    resolve: {
      conditions: ['@tessera/source', ...defaultServerConditions.filter((name) => name !== 'module')],
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel forks, each against its own database.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: unit,
          setupFiles: ['packages/platform/test/support/unit-guard.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: everyTest, exclude: [...unit, ...endToEnd, ...browser] },
      },
      { extends: true, test: { name: 'e2e', include: endToEnd } },
      {
        extends: true,
        test: { name: 'browser', include: browser, globalSetup: ['packages/web/test/build-pages.ts'] },
      },
    ],
  },
});
