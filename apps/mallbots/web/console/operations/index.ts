import type { Screen } from '../screen.js';

/** Operators' screens: sagas, dead letters, consumer lag, projections, the message flow of an order. */
export const operationsScreens: readonly Screen[] = [];
