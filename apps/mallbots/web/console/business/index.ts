import type { Screen } from '../screen.js';

/** Store managers' and depot staff's screens. */
export const businessScreens: readonly Screen[] = [];
