// `npm run build:web` (and before `npm start`): builds every application's web pages with Vite, skipping an
// application whose build is newer than every file it is built from. FORCE_WEB_BUILD=1 builds all.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const newest = (folder) => {
  let latest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
};

/** Builds what is stale; answers the applications built. */
export async function buildWeb({ force = process.env.FORCE_WEB_BUILD === '1' } = {}) {
  const { build } = await import('vite');
  const shared = Math.max(
    newest(join(root, 'packages/web/src')),
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  const built = [];
  for (const app of readdirSync(join(root, 'apps')).sort()) {
    const web = join(root, 'apps', app, 'web');
    if (!existsSync(join(web, 'vite.config.ts'))) continue;
    const sources = Math.max(shared, newest(web));
    const fresh = existsSync(join(web, 'dist')) && statSync(join(web, 'dist')).mtimeMs > sources;
    if (fresh && !force) {
      console.log(`web: ${app} is up to date`);
      continue;
    }
    const started = Date.now();
    console.log(`web: building ${app}…`);
    // The runner loads the config as the page code is loaded: @tessera/web/vite is TypeScript source.
    // Always React's production build: under vitest NODE_ENV is `test`, which would give its development one
    // (twice the size, effects run twice), and `npm start` would then serve that build as up to date.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(web, 'vite.config.ts'), configLoader: 'runner', logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    console.log(`web: built ${app} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(app);
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb({ force: process.argv.includes('--force') || process.env.FORCE_WEB_BUILD === '1' });
}
