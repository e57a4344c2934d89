export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
