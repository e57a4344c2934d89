export { installCors } from './cors.js';
export type { IdempotencyOptions } from './idempotency.js';
export { IDEMPOTENCY_KEY_HEADER, idempotencyMigrations, REPLAYED_HEADER } from './idempotency.js';
export type { LiveChange, LiveFeed, LiveRouteDeclaration, LiveRoutes, LiveRoutesOptions } from './live.js';
export { LAST_EVENT_ID_HEADER, liveRoutes } from './live.js';
export { decimalAmount } from './money.js';
export { nextPage, pageAnswer, pageQuery, pageRequest } from './paging.js';
export type { Problem } from './problem.js';
export {
  errorHandler,
  httpStatusOf,
  PROBLEM_CONTENT_TYPE,
  problem,
  problemResponse,
  problemSchema,
  sendProblem,
} from './problem.js';
export type { RateLimitOptions } from './rate-limit.js';
export { installRateLimit, rateLimitKey } from './rate-limit.js';
export type {
  RestRoutes,
  RestRoutesOptions,
  RouteAudience,
  RouteDeclaration,
  RouteRequest,
} from './routes.js';
export { ownerFrom, restRoutes } from './routes.js';
export { installSecurityHeaders } from './security-headers.js';
export type { HttpServer, HttpServerOptions } from './server.js';
export { createHttpServer } from './server.js';
export type { Unavailable } from './unavailable.js';
export { whenUnavailable } from './unavailable.js';
