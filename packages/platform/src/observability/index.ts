export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export type { ConsumerLag } from './metrics.js';
export {
  appendConflicts,
  eventsAppended,
  groupedCommitSize,
  httpRequestDuration,
  messageHandlingDuration,
  messagesHandled,
  messagesRelayed,
  metricsRegistry,
  scrapedGauges,
  watchConsumerLag,
} from './metrics.js';
export type { TraceContext } from './trace-context.js';
export {
  childTraceparent,
  currentTraceContext,
  runInTraceContext,
  traceFields,
  traceIdOf,
} from './trace-context.js';
