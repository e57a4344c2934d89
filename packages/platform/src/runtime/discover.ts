import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Application, isApplication } from './application.js';

/**
 * Every application of a repository: each `<folder>/<name>/src/app.ts` (or `.js` once compiled) that exports
 * one, in the folders' alphabetical order. Adding an application is adding its folder.
 */
export async function discoverApplications(folder: string): Promise<Application[]> {
  const found: Application[] = [];
  const names = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    const file = ['app.ts', 'app.js'].map((base) => join(folder, name, 'src', base)).find(existsSync);
    if (!file) continue;
    const exported = Object.values(await import(pathToFileURL(file).href)).filter(isApplication);
    if (exported.length !== 1) {
      throw new Error(`${file} must export one application (defineApplication), not ${exported.length}`);
    }
    found.push(exported[0] as Application);
  }
  return found;
}
