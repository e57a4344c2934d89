export type { LogFormat, Logger, LoggerOptions } from './logger.js';
export { createLogger, logFormatOf } from './logger.js';
export type { TracedHistogram } from './metrics.js';
export {
  defineCounter,
  defineGauge,
  defineHistogram,
  defineTracedHistogram,
  metricsAnswer,
  metricsRegistry,
} from './metrics.js';
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
