export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export {
  appendConflicts,
  eventsAppended,
  groupedCommitSize,
  httpRequestDuration,
  metricsRegistry,
} from './metrics.js';
