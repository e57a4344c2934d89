import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { discoverApplications } from '@tessera/platform/runtime';
import { webApiFile, webApiSource } from '@tessera/web/api-types';

// `npm run generate:web`: the typed API of every application that has pages.
const apps = new URL('.', import.meta.url);
for (const application of await discoverApplications(fileURLToPath(apps))) {
  if (!existsSync(new URL(`${application.name}/web`, apps))) continue;
  const file = webApiFile(apps, application);
  await writeFile(file, await webApiSource(application));
  process.stdout.write(`wrote ${fileURLToPath(file)}\n`);
}
