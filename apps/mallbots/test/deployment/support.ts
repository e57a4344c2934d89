import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema, discoverApplications } from '@tessera/platform/runtime';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { mallbots } from '../../src/app.js';

/** The repository's root: the deployment files describe the whole system, not one package. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url));

export const read = (path: string) => readFileSync(join(root, path), 'utf8');
export const exists = (path: string) => existsSync(join(root, path));

export const moduleNames = mallbots.modules.map((module) => module.name);

/**
 * Every application the deployment files run, as the repository's entry finds them (apps/<name>/src/app.ts):
 * compose is one system of all of them; each is a Kubernetes namespace of its own.
 */
export const applications = await discoverApplications(join(root, 'apps'));
/** Every module of every application: their names are unique across the system. */
export const systemModuleNames = applications.flatMap((application) =>
  application.modules.map((module) => module.name),
);
/** The prefix of an application's databases and roles, as the launcher and the init scripts make them. */
export const databasePrefix = (name: string) => name.replaceAll('-', '_');

/** The image every MallBots process runs, as compose and kustomize name it before tagging. */
export const IMAGE = 'mallbots';
export const isMallbotsImage = (image: unknown) =>
  typeof image === 'string' && (image === IMAGE || image.startsWith(`${IMAGE}:`));

/** One YAML document; compose files use anchors and merge keys (`<<: *mallbots`). */
export const yamlOf = (path: string) => parse(read(path), { merge: true });

/** Every document of a multi-document YAML file, failing on any syntax error rather than skipping it. */
export function documentsOf(path: string): Record<string, unknown>[] {
  return parseAllDocuments(read(path)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]!.message}`);
    return document.toJS() as Record<string, unknown>;
  });
}

/**
 * Every variable MallBots reads: `.env.example` lists them all (its first line says so) and the platform's
 * config schema is the source of the shared ones. A deployment file setting anything else sets nothing.
 */
export function knownVariables(): Set<string> {
  const fromExample = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);
  return new Set([...fromExample, ...Object.keys(configSchema.shape)]);
}

/** `name=url,name=url` (HTTP_SERVICES, RPC_SERVICES) as [name, URL] pairs. */
export function servicesOf(value: string): [string, URL][] {
  return value.split(',').map((entry) => {
    const [name, url] = entry.split('=');
    return [name!.trim(), new URL(url!.trim())];
  });
}

/** Every file under `dir` (relative to the root) whose name ends with one of `extensions`, relative to `dir`. */
export function filesUnder(dir: string, extensions: readonly string[]): string[] {
  const base = join(root, dir);
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(path, entry.name))
        : extensions.some((extension) => entry.name.endsWith(extension))
          ? [relative(base, join(path, entry.name))]
          : [],
    );
  return walk(base).sort();
}

/** The repository's applications, as its entry finds them: each apps/<name>/src/app.ts. */
export const applicationNames = () =>
  readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && exists(`apps/${entry.name}/src/app.ts`))
    .map((entry) => entry.name);

/** The Dockerfile's stages in order, each with its instructions (continuation lines joined, comments left out). */
export function dockerfileStages(): { name: string | undefined; instructions: string[] }[] {
  const lines = read('Dockerfile')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const stages: { name: string | undefined; instructions: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1], instructions: [] });
    stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** The arguments of a stage's instructions of one kind (`RUN`, `COPY`, ...). */
export const argumentsOf = (stage: { instructions: string[] }, keyword: string) =>
  stage.instructions.flatMap((line) => {
    const match = new RegExp(`^${keyword}\\s+(.+)$`).exec(line);
    return match ? [match[1]!] : [];
  });

/** The command the image runs: the last stage's CMD (exec form). The one place its entry is written. */
export function imageCommand(): string[] {
  const [cmd] = argumentsOf(dockerfileStages().at(-1)!, 'CMD');
  return JSON.parse(cmd!) as string[];
}

/**
 * The applications' build (apps/tsconfig.build.json, run by `npm run build`): the folder it compiles from and
 * the one it writes to, relative to the root.
 */
export function applicationsBuild(): { rootDir: string; outDir: string } {
  const path = join(root, 'apps/tsconfig.build.json');
  const { config } = ts.readConfigFile(path, ts.sys.readFile) as {
    config: { compilerOptions: { rootDir: string; outDir: string } };
  };
  const relativeToRoot = (dir: string) => relative(root, join(root, 'apps', dir)) || '.';
  return {
    rootDir: relativeToRoot(config.compilerOptions.rootDir),
    outDir: relativeToRoot(config.compilerOptions.outDir),
  };
}

/** The TypeScript source a compiled `.js` of the applications' build comes from; undefined if it is none. */
export function sourceOfCompiled(path: string): string | undefined {
  const { rootDir, outDir } = applicationsBuild();
  const prefix = `${outDir}/`;
  if (!path.startsWith(prefix) || !path.endsWith('.js')) return undefined;
  return join(rootDir, `${path.slice(prefix.length, -'.js'.length)}.ts`);
}

/** The image's command with another subcommand of the entry, e.g. `node dist/main.js gateway`. */
export const entryCommand = (...args: string[]) => [...imageCommand().slice(0, 2), ...args];
