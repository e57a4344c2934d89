import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  isSpanContextValid,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { ensureTelemetry } from './telemetry.js';

/**
 * The conversation a piece of work belongs to, carried across HTTP requests, RPC calls and messages: a
 * correlation id (the first request or message of the conversation) and what caused this work. It lives in
 * OpenTelemetry's context next to the active span (ADR 0045), so one `context.with` carries both.
 */
export interface Conversation {
  readonly correlationId: string;
  readonly causationId?: string;
}

/** The conversation and the W3C trace context (`traceparent`, `tracestate`, `baggage`) of the active work. */
export interface TraceContext extends Conversation, TraceHeaders {}

/** What a message or a request carries of its trace, as W3C headers. */
export interface TraceHeaders {
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly baggage?: string;
}

const CONVERSATION = createContextKey('tessera.conversation');

const headerGetter = {
  keys: (carrier: TraceHeaders) => Object.keys(carrier),
  get: (carrier: TraceHeaders, key: string) =>
    key === 'traceparent' || key === 'tracestate' || key === 'baggage' ? carrier[key] : undefined,
};

/** The platform's tracer: spans of commands, messages, sagas, deadlines and projections. */
export function tracer() {
  ensureTelemetry();
  return trace.getTracer('@tessera/platform');
}

/** The trace headers of `of` (the active context by default), as W3C propagation writes them. */
export function traceHeadersOf(of: Context = context.active()): TraceHeaders {
  ensureTelemetry();
  const carrier: { traceparent?: string; tracestate?: string; baggage?: string } = {};
  propagation.inject(of, carrier);
  return carrier;
}

/** The context a message's or a request's trace headers name (the root context when they name none). */
export function contextOfHeaders(headers: TraceHeaders, base: Context = ROOT_CONTEXT): Context {
  ensureTelemetry();
  return propagation.extract(base, headers, headerGetter);
}

export function currentConversation(of: Context = context.active()): Conversation | undefined {
  return of.getValue(CONVERSATION) as Conversation | undefined;
}

export const withConversation = (of: Context, conversation: Conversation): Context =>
  of.setValue(CONVERSATION, conversation);

/** The active conversation with its trace headers, or undefined outside any request or message handling. */
export function currentTraceContext(): TraceContext | undefined {
  const active = context.active();
  const conversation = currentConversation(active);
  return conversation ? { ...conversation, ...traceHeadersOf(active) } : undefined;
}

/** Runs `work` in `of` (a context made by the functions above). */
export function runInContext<T>(of: Context, work: () => T): T {
  return context.with(of, work);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: Link[];
  /** The parent (default: the active context). */
  readonly parent?: Context;
  /** A conversation to carry inside the span (default: the parent's). */
  readonly conversation?: Conversation;
  /**
   * Names and describes a span that is recorded (`updateName`, `setAttributes`): on hot paths, what is only
   * worth building for an exported span is not built when nothing is (ADR 0045).
   */
  readonly describe?: (span: Span) => void;
}

/**
 * Runs `work` as a span, the active one while it runs: a throw marks the span as an error with the exception
 * recorded, and rethrows. When no trace is exported the span records nothing (ADR 0045): its cost is its ids.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
    },
    parent,
  );
  if (options.describe && span.isRecording()) options.describe(span);
  let active = trace.setSpan(parent, span);
  if (options.conversation) active = withConversation(active, options.conversation);
  return context.with(active, async () => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks `span` as failed by `error`. */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** What every log line written inside a traced piece of work carries (OpenTelemetry's log field names). */
export function traceFields(): Record<string, string> {
  const active = context.active();
  const conversation = currentConversation(active);
  const found = trace.getSpanContext(active);
  // A request nobody traces (a probe) has an invalid span context: no ids worth a log field.
  const spanContext = found && isSpanContextValid(found) ? found : undefined;
  if (!conversation && !spanContext) return {};
  return {
    ...(conversation ? { correlationId: conversation.correlationId } : {}),
    ...(conversation?.causationId ? { causationId: conversation.causationId } : {}),
    ...(spanContext
      ? {
          trace_id: spanContext.traceId,
          span_id: spanContext.spanId,
          trace_flags: spanContext.traceFlags.toString(16).padStart(2, '0'),
        }
      : {}),
  };
}

export { SpanKind };
