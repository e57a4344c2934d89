import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { discoverApplications } from '@tessera/platform/runtime';
import { webApiFile, webApiSource } from '@tessera/web/api-types';
import { OPERATIONS_API_FILE, operationsApiSource } from '@tessera/web/operations-api-types';

// `npm run generate:web`: the typed API of every application that has pages.
const apps = new URL('.', import.meta.url);
for (const application of await discoverApplications(fileURLToPath(apps))) {
  if (!existsSync(new URL(`${application.name}/web`, apps))) continue;
  const file = webApiFile(apps, application);
  await writeFile(file, await webApiSource(application));
  process.stdout.write(`wrote ${fileURLToPath(file)}\n`);
}
// And the platform's operators' routes, which the operations screens of every application use.
await writeFile(OPERATIONS_API_FILE, await operationsApiSource());
process.stdout.write(`wrote ${fileURLToPath(OPERATIONS_API_FILE)}\n`);
