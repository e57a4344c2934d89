import { fileURLToPath } from 'node:url';
import { discoverApplications, runCli } from '@tessera/platform/runtime';

/**
 * The repository's one entry: every application under apps/ (each `apps/<name>/src/app.ts`), run as the
 * command line says (`npm start`, `npm run migrate`, `npm run start:distributed`, ...; `help` lists them).
 */
const here = fileURLToPath(new URL('.', import.meta.url));
await runCli(await discoverApplications(here), {
  entry: fileURLToPath(import.meta.url),
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
