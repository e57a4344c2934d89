import { defineApplication } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };
import { coffeeShopsModule } from './coffee-shops/module.js';
import { loyaltyModule } from './loyalty/module.js';
import { marketingModule } from './marketing/module.js';
import { partnershipsModule } from './partnerships/module.js';
import { recommendationsModule } from './recommendations/module.js';
import { subscriptionsModule } from './subscriptions/module.js';

/** CoffeeCo: its bounded contexts in start order. Everything else derives from it. */
export const coffeeco = defineApplication({
  name: 'coffeeco',
  title: 'CoffeeCo',
  description: packageJson.description,
  version: packageJson.version,
  modules: [
    partnershipsModule,
    recommendationsModule,
    loyaltyModule,
    coffeeShopsModule,
    marketingModule,
    subscriptionsModule,
  ],
  // Modules serving Connect RPC to the others when each runs in its own process (RPC_SERVICES).
  rpcProviders: ['loyalty'],
  web: {
    dist: new URL('../web/dist/', import.meta.url),
    pages: [
      {
        path: '/till/',
        title: 'Till',
        description:
          'baristas ring up drinks, take card, cash or CoffeeBux, and show the loyalty card’s stamps',
      },
    ],
  },
});
