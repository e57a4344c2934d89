export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export { defineCounter, defineGauge, defineHistogram, metricsRegistry } from './metrics.js';
export type { TraceContext } from './trace-context.js';
export { currentTraceContext } from './trace-context.js';
