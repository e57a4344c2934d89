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
export type { Telemetry, TelemetryOptions } from './telemetry.js';
export { exportsTraces, startTelemetry, stopTelemetry } from './telemetry.js';
export type { Conversation, SpanOptions, TraceContext, TraceHeaders } from './trace-context.js';
export {
  currentConversation,
  currentTraceContext,
  failSpan,
  inSpan,
  SpanKind,
  traceHeadersOf,
  tracer,
} from './trace-context.js';
