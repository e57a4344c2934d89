import { fileURLToPath } from 'node:url';
import { startTelemetry } from '@tessera/platform/observability';

// Before the platform and the applications are imported: http, pg and Fastify are instrumented as they load
// (ADR 0045). Only when the OTEL_* variables name where traces go; otherwise spans record nothing.
startTelemetry({ serviceName: 'tessera' });
const { discoverApplications, runCli } = await import('@tessera/platform/runtime');

/**
 * The repository's one entry: every application under apps/ (each `apps/<name>/src/app.ts`), run as the
 * command line says (`npm start`, `npm run migrate`, `npm run start:distributed`, ...; `help` lists them).
 */
const here = fileURLToPath(new URL('.', import.meta.url));
await runCli(await discoverApplications(here), {
  entry: fileURLToPath(import.meta.url),
  cwd: fileURLToPath(new URL('..', import.meta.url)),
});
