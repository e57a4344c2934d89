import type { Who } from '@tessera/web';
import type { ComponentType } from 'react';

/** One screen of the console: where it is, who sees it, and what it shows. */
export interface Screen {
  /** Its route under /console/ with `:name` parameters (`orders/:id`); '' is the console's first screen. */
  readonly route: string;
  readonly title: string;
  /** Its entry in the navigation; absent: reached by links only (a detail screen). */
  readonly nav?: string;
  /** The roles that see it (operators see everything). */
  readonly roles: readonly string[];
  readonly component: ComponentType<{ params: Record<string, string>; who: Who }>;
}
