import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deploymentFiles,
  deploymentSettings,
  discoverApplications,
  kubernetesFolder,
  REGENERATE,
  renderDeployment,
  staleGeneratedFiles,
} from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { IMAGE, imageCommand, root } from './support.js';

// As `npm run generate:deploy` (apps/generate-deploy.ts) renders them: every application of the repository.
const applications = await discoverApplications(join(root, 'apps'));
const settings = deploymentSettings(root);
const files = deploymentFiles(applications, settings);
const read = (path: string) =>
  existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;

describe('the deployment files derived from the applications (npm run generate:deploy)', () => {
  it('renders them from every application of the repository, MallBots among them', () => {
    expect(applications.map((application) => application.name)).toContain(mallbots.name);
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining([
        'compose.yaml',
        '.env.example',
        'deploy/prometheus/prometheus.yaml',
        'deploy/postgres/init/00-identity.sql',
        // Per application: its databases, and its namespace (MallBots' at the root, deploy/k8s).
        ...applications.flatMap((application) => {
          const k8s = kubernetesFolder(application);
          return [
            `deploy/postgres/init/01-${application.name}.sql`,
            `${k8s}/kustomization.yaml`,
            `${k8s}/namespace.yaml`,
            `${k8s}/nats.yaml`,
            `${k8s}/config.yaml`,
            `${k8s}/identity.yaml`,
            ...application.modules.map((module) => `${k8s}/modules/${module.name}.yaml`),
            `${k8s}/gateway.yaml`,
            ...application.companions.map((companion) => `${k8s}/${companion.name}.yaml`),
          ];
        }),
      ]),
    );
    expect(kubernetesFolder(mallbots)).toBe('deploy/k8s');
  });

  it('runs the image as the Dockerfile does, adding only the entry command', () => {
    expect(settings.image).toBe(IMAGE);
    expect([...settings.entry, 'start']).toEqual(imageCommand());
  });

  for (const [path, expected] of renderDeployment(files, read)) {
    it(`has ${path} as the applications define it`, () => {
      expect(read(path), `${path} is out of date: run ${REGENERATE}`).toBe(expected);
    });
  }

  it('has no generated file left over from a module or companion that is gone', () => {
    expect(staleGeneratedFiles(root, files), `left over: run ${REGENERATE}`).toEqual([]);
  });
});
