import { defineApplication } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };
import { marketingModule } from './marketing/module.js';
import { partnershipsModule } from './partnerships/module.js';
import { subscriptionsModule } from './subscriptions/module.js';

/** CoffeeCo: its bounded contexts in start order. Everything else derives from it. */
export const coffeeco = defineApplication({
  name: 'coffeeco',
  title: 'CoffeeCo',
  description: packageJson.description,
  version: packageJson.version,
  modules: [partnershipsModule, marketingModule, subscriptionsModule],
});
