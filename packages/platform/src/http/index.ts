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
