import type { ProjectionLag } from './admin-api.gen.js';

/** A rebuild this page asked for: its projection, and when the rebuild before it started (if ever). */
export interface FollowedRebuild {
  readonly name: string;
  readonly before: string | undefined;
}

/**
 * How a followed rebuild stands in one event of the live stream. An event may come while it runs, or from
 * just before it began: it is over only once its projection is not rebuilding and its last rebuild is a new
 * one.
 */
export function rebuildStanding(
  followed: FollowedRebuild,
  projections: readonly Pick<ProjectionLag, 'name' | 'rebuilding' | 'lastRebuiltAt'>[],
): 'not begun' | 'running' | 'over' {
  const now = projections.find((p) => p.name === followed.name);
  if (now?.rebuilding) return 'running';
  if (!now || now.lastRebuiltAt === followed.before) return 'not begun';
  return 'over';
}
