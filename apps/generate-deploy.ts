import { fileURLToPath } from 'node:url';
import { deploymentSettings, discoverApplications, writeDeploymentFiles } from '@tessera/platform/runtime';

/**
 * `npm run generate:deploy`: writes the deployment files derived from every application under apps/ (each
 * `apps/<name>/src/app.ts`) again: compose services, Kubernetes manifests, the PostgreSQL init script, the
 * Prometheus jobs, the lists in .env.example. The image and its entry come from package.json (config.image)
 * and the Dockerfile's CMD. apps/mallbots/test/deployment/generated.unit.test.ts fails until it has run.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const applications = await discoverApplications(fileURLToPath(new URL('.', import.meta.url)));
const { written, removed } = writeDeploymentFiles(root, applications, deploymentSettings(root));
for (const path of written) process.stdout.write(`wrote ${path}\n`);
for (const path of removed) process.stdout.write(`removed ${path}\n`);
if (written.length + removed.length === 0) {
  process.stdout.write(
    `the deployment files of ${applications.map((a) => a.name).join(', ')} are up to date\n`,
  );
}
