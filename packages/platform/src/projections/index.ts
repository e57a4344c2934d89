export { registerProjectionRoutes } from './admin-routes.js';
export type {
  BatchProjection,
  HandlerOptions,
  HandlersProjection,
  Projection,
  ProjectionContext,
  ProjectionHandler,
} from './projection.js';
export type {
  ProjectionCheckpoint,
  ProjectionLag,
  Projector,
  ProjectorOptions,
  Rebuild,
  RebuildOptions,
  RebuildProgress,
  RebuildResult,
} from './projector.js';
export { startProjector } from './projector.js';
export { projectionMigrations } from './schema.js';
