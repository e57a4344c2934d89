import { operationsScreens as platformScreens } from '@tessera/web/operations';
import type { Screen } from '../screen.js';

/**
 * Operators' screens: sagas, dead letters, consumer lag, projections, the message flow of an order. They are
 * the platform's (`@tessera/web/operations`), shown with MallBots' sagas and projections; operators only.
 */
export const operationsScreens: readonly Screen[] = platformScreens({
  base: '/console/',
  application: 'mallbots',
}).map((screen) => ({ ...screen, roles: [] }));
