import { defineApplication } from '@tessera/platform/runtime';
import packageJson from '../package.json' with { type: 'json' };
import { robotsCompanion } from '../tools/robots/companion.js';
import { basketsModule } from './baskets/module.js';
import { cosecModule } from './cosec/module.js';
import { customersModule } from './customers/module.js';
import { depotModule } from './depot/module.js';
import { notificationsModule } from './notifications/module.js';
import { orderingModule } from './ordering/module.js';
import { paymentsModule } from './payments/module.js';
import { searchModule } from './search/module.js';
import { storesModule } from './stores/module.js';

/** MallBots: its bounded contexts in start order, and what runs beside them. Everything else derives from it. */
export const mallbots = defineApplication({
  name: 'mallbots',
  title: 'MallBots',
  description: packageJson.description,
  version: packageJson.version,
  // The first application keeps its routes at the root: its clients predate the others.
  pathPrefix: '',
  modules: [
    storesModule,
    customersModule,
    paymentsModule,
    depotModule,
    basketsModule,
    orderingModule,
    cosecModule,
    notificationsModule,
    searchModule,
  ],
  rpcProviders: ['stores', 'customers', 'depot'],
  companions: [robotsCompanion],
  web: {
    dist: new URL('../web/dist/', import.meta.url),
    pages: [
      {
        path: '/kiosk/',
        title: 'Kiosk',
        description: 'customers order from the stores, pay, and watch the robots shop',
      },
      {
        path: '/console/',
        title: 'Operations console',
        description: 'staff run the stores and the depot; operators see sagas, messages and projections',
      },
    ],
  },
});
