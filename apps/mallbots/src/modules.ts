import type { Module } from '@tessera/platform/runtime';
import { basketsModule } from './baskets/module.js';
import { cosecModule } from './cosec/module.js';
import { customersModule } from './customers/module.js';
import { depotModule } from './depot/module.js';
import { notificationsModule } from './notifications/module.js';
import { orderingModule } from './ordering/module.js';
import { paymentsModule } from './payments/module.js';
import { searchModule } from './search/module.js';
import { storesModule } from './stores/module.js';

/** Every MallBots bounded context, in start order. */
export const mallbotsModules: readonly Module[] = [
  storesModule,
  customersModule,
  paymentsModule,
  depotModule,
  basketsModule,
  orderingModule,
  cosecModule,
  notificationsModule,
  searchModule,
];
