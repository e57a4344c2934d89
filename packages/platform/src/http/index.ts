export type { IdempotencyOptions } from './idempotency.js';
export {
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  IDEMPOTENCY_KEY_HEADER,
  idempotencyMigrations,
  installIdempotency,
  pruneIdempotencyKeys,
  REPLAYED_HEADER,
} from './idempotency.js';
export type { Problem } from './problem.js';
export {
  errorHandler,
  PROBLEM_CONTENT_TYPE,
  problem,
  problemResponse,
  problemSchema,
  sendProblem,
} from './problem.js';
export type { HttpServer, HttpServerOptions } from './server.js';
export { createHttpServer } from './server.js';
