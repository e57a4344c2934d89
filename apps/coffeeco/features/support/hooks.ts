import { fileURLToPath } from 'node:url';
import { AfterAll, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import { type RunningSystem, type SystemProfile, startSystem } from '@tessera/platform/testing';
import { coffeeco } from '../../src/app.js';
import { useSystem } from './world.js';

// A step that waits does so with `eventually` (15 s); this only stops a step that hangs.
setDefaultTimeout(30_000);

let running: RunningSystem | undefined;

/** CoffeeCo as it is deployed in the profile, alone. */
BeforeAll({ timeout: 200_000 }, async function () {
  running = await startSystem({
    application: coffeeco,
    profile: (this.parameters.profile ?? 'embedded') as SystemProfile,
    entry: 'apps/main.ts',
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    env: {},
  });
  useSystem(running);
});

AfterAll({ timeout: 30_000 }, async () => {
  useSystem(undefined);
  await running?.stop();
});
