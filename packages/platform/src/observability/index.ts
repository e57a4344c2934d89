export type { Logger, LoggerOptions } from './logger.js';
export { createLogger } from './logger.js';
export { defineCounter, defineGauge, defineHistogram, metricsRegistry } from './metrics.js';
export type { TracedPortOptions } from './ports.js';
export { tracedPort } from './ports.js';
export type { Telemetry, TelemetryOptions } from './telemetry.js';
export { exportsTraces, startTelemetry, stopTelemetry } from './telemetry.js';
export type { Conversation, SpanOptions, TraceContext, TraceHeaders } from './trace-context.js';
export {
  contextOfHeaders,
  currentConversation,
  currentTraceContext,
  failSpan,
  inSpan,
  runInContext,
  SpanKind,
  traceHeadersOf,
  tracer,
} from './trace-context.js';
