import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '@tessera/platform/runtime';
import { parse, parseAllDocuments } from 'yaml';
import { mallbots } from '../../src/app.js';

/** The repository's root: the deployment files describe the whole system, not one package. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url));

export const read = (path: string) => readFileSync(join(root, path), 'utf8');
export const exists = (path: string) => existsSync(join(root, path));

export const moduleNames = mallbots.modules.map((module) => module.name);

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
