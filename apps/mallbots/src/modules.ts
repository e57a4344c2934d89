import type { Module } from '@tessera/platform/runtime';
import { basketsModule } from './baskets/module.js';
import { customersModule } from './customers/module.js';
import { storesModule } from './stores/module.js';

/** Every MallBots bounded context, in start order. */
export const mallbotsModules: readonly Module[] = [storesModule, customersModule, basketsModule];
