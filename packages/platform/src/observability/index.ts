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
  watchConsumerLag,
} from './metrics.js';
