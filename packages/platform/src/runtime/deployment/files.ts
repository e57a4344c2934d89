import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Application } from '../application.js';
import { composeGateway, composeIdentity, composeServices } from './compose.js';
import { kubernetesManifests, kustomizationResources } from './kubernetes.js';
import {
  type DeploymentSettings,
  definitionOf,
  environmentExample,
  generatedHeader,
  IDENTITY_INIT_PATH,
  identityInit,
  identityPrometheusJob,
  postgresInit,
  postgresInitPath,
  prometheusJobs,
  REGENERATE,
} from './render.js';

/**
 * One generated deployment file: whole (the generator writes all of it), or a section of a file otherwise
 * written by hand, between a `# BEGIN generated from <source>` line and a `# END generated from <source>` line.
 */
export type GeneratedFile =
  | { readonly path: string; readonly whole: string }
  | { readonly path: string; readonly source: string; readonly section: string };

/** Where an application's Kubernetes kustomization is: the application at the root keeps `deploy/k8s`. */
export const kubernetesFolder = (application: Application) =>
  application.pathPrefix === '' ? 'deploy/k8s' : `deploy/${application.name}/k8s`;

const ALL_APPLICATIONS = 'apps/*/src/app.ts';

/**
 * Every deployment file of a repository derived from its applications (ADR 0021, ADR 0027): per application,
 * its module and companion services in `compose.yaml` and jobs in `deploy/prometheus/prometheus.yaml`
 * (sections), its PostgreSQL init script, its Kubernetes manifests (a namespace of its own, with its NATS,
 * identity provider and gateway) and their list in its `kustomization.yaml` (a section); for all of them, the
 * compose system's one gateway and one identity provider (their services in `compose.yaml` and the provider's
 * job in `prometheus.yaml`, sections, and its PostgreSQL init script) and the entries of `.env.example` that
 * list them (a section). What is not derived stays written by hand around the sections: PostgreSQL, NATS and
 * the monolith of compose, the observability stack, each kustomization's own settings.
 */
export function deploymentFiles(
  applications: readonly Application[],
  settings: DeploymentSettings,
): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const application of applications) {
    const source = definitionOf(application);
    const k8s = kubernetesFolder(application);
    const manifests = kubernetesManifests(application, settings);
    files.push(
      { path: 'compose.yaml', source, section: composeServices(application, settings) },
      { path: 'deploy/prometheus/prometheus.yaml', source, section: prometheusJobs(application) },
      { path: postgresInitPath(application), whole: postgresInit(application) },
      { path: `${k8s}/kustomization.yaml`, source, section: kustomizationResources(manifests) },
      ...[...manifests].map(([path, whole]) => ({ path: `${k8s}/${path}`, whole })),
    );
  }
  // One gateway and one identity provider for the system, however many applications it runs: not in their
  // sections (ADR 0027).
  files.push(
    {
      path: 'compose.yaml',
      source: ALL_APPLICATIONS,
      section: [composeGateway(applications, settings), '', composeIdentity(applications, settings)].join(
        '\n',
      ),
    },
    { path: 'deploy/prometheus/prometheus.yaml', source: ALL_APPLICATIONS, section: identityPrometheusJob() },
    { path: IDENTITY_INIT_PATH, whole: identityInit(applications, ALL_APPLICATIONS) },
    { path: '.env.example', source: ALL_APPLICATIONS, section: environmentExample(applications) },
  );
  return files;
}

const beginLine = (source: string) => `# BEGIN generated from ${source} — ${REGENERATE}`;
const endLine = (source: string) => `# END generated from ${source}`;

/**
 * A generated file as it should be, given what it holds now (undefined: missing). A section replaces the
 * lines between its markers, which keep their place and indentation; missing markers throw, naming them.
 */
export function renderGenerated(file: GeneratedFile, current: string | undefined): string {
  if ('whole' in file) return file.whole;
  const lines = (current ?? '').split('\n');
  const begin = lines.findIndex((line) => line.trim() === beginLine(file.source));
  const end = lines.findIndex((line, index) => index > begin && line.trim() === endLine(file.source));
  if (begin < 0 || end < 0) {
    throw new Error(
      `${file.path} has no generated section for ${file.source}: put the lines\n` +
        `  ${beginLine(file.source)}\n  ${endLine(file.source)}\n` +
        `where it goes (indented as its entries are), then run ${REGENERATE}`,
    );
  }
  return [...lines.slice(0, begin + 1), file.section, ...lines.slice(end)].join('\n');
}

/**
 * What each generated file should hold, by path, given a reader of what they hold now (undefined: missing).
 * A file with several sections (one per application) gets each of them.
 */
export function renderDeployment(
  files: readonly GeneratedFile[],
  read: (path: string) => string | undefined,
): Map<string, string> {
  const rendered = new Map<string, string>();
  for (const file of files) {
    rendered.set(file.path, renderGenerated(file, rendered.get(file.path) ?? read(file.path)));
  }
  return rendered;
}

/** How the header `generatedHeader` writes ends, whatever the file it names. */
const GENERATED_BY = generatedHeader('').slice(generatedHeader('').indexOf(' by '));

/** Whether a file's first line says the generator wrote it. */
const isGenerated = (text: string) => {
  const [first = ''] = text.split('\n', 1);
  return /^(#|--) Generated from /.test(first) && first.endsWith(GENERATED_BY);
};

/**
 * Files the generator wrote earlier that it would not write now (a module or companion removed): those in the
 * folders it writes whole files to whose first line says they are generated.
 */
export function staleGeneratedFiles(root: string, files: readonly GeneratedFile[]): string[] {
  const wanted = new Set(files.map((file) => file.path));
  const folders = new Set(files.filter((file) => 'whole' in file).map((file) => dirname(file.path)));
  return [...folders]
    .filter((folder) => existsSync(join(root, folder)))
    .flatMap((folder) =>
      readdirSync(join(root, folder), { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `${folder}/${entry.name}`),
    )
    .filter((path) => !wanted.has(path) && isGenerated(readFileSync(join(root, path), 'utf8')))
    .sort();
}

/**
 * Writes every generated deployment file under `root` that differs from its rendering, and removes the stale
 * ones; answers the paths it wrote and removed.
 */
export function writeDeploymentFiles(
  root: string,
  applications: readonly Application[],
  settings: DeploymentSettings,
): { written: string[]; removed: string[] } {
  const files = deploymentFiles(applications, settings);
  const read = (path: string) =>
    existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
  // Every file rendered before any is written: a missing section changes nothing.
  const rendered = renderDeployment(files, read);
  const written = [...rendered].filter(([path, text]) => read(path) !== text).map(([path]) => path);
  const removed = staleGeneratedFiles(root, files);
  for (const path of written) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), rendered.get(path)!);
  }
  for (const path of removed) rmSync(join(root, path));
  return { written, removed };
}

/**
 * The image's entry from a Dockerfile: its last stage's CMD (exec form), without a final `start` (the
 * entry's default command). The one place the command is written; the deployments add theirs to it.
 */
export function imageEntry(dockerfile: string): string[] {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const last = lines.findLastIndex((line) => /^FROM\s/i.test(line));
  const stage = lines.slice(last + 1);
  if (stage.some((line) => /^ENTRYPOINT\s/i.test(line))) {
    throw new Error(
      'the Dockerfile sets an ENTRYPOINT: the generated deployments expect the entry in its CMD',
    );
  }
  const cmd = stage.findLast((line) => /^CMD\s/i.test(line))?.replace(/^CMD\s+/i, '');
  let command: unknown;
  try {
    command = cmd === undefined ? undefined : JSON.parse(cmd);
  } catch {}
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
    throw new Error('the Dockerfile has no CMD in exec form (CMD ["node", "<entry>", "start"])');
  }
  return command.at(-1) === 'start' ? command.slice(0, -1) : command;
}

/**
 * A repository's deployment settings: the image's name (`config.image` in its package.json) and its entry
 * (the Dockerfile's CMD).
 */
export function deploymentSettings(root: string): DeploymentSettings {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    config?: { image?: unknown };
  };
  const image = manifest.config?.image;
  if (typeof image !== 'string' || !/^[a-z0-9][a-z0-9._/-]*$/.test(image)) {
    throw new Error(`${join(root, 'package.json')} must name the image in config.image (e.g. "mallbots")`);
  }
  return { image, entry: imageEntry(readFileSync(join(root, 'Dockerfile'), 'utf8')) };
}
