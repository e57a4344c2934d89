import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A span as a trace test reads it: its trace, its ids, its parent's id (if any). */
export const traceIdOf = (span: ReadableSpan) => span.spanContext().traceId;
export const spanIdOf = (span: ReadableSpan) => span.spanContext().spanId;

/**
 * Finished spans (an `InMemorySpanExporter`'s, or spans received over OTLP made into this shape) as a forest:
 * each span's parent and ancestors, and the handling (a `CONSUMER` or `SERVER` span) that a span belongs to.
 * What a trace test follows from a message's handling back to the request that started it all.
 */
export interface SpanTree {
  readonly spans: readonly ReadableSpan[];
  /** The parent span, when it was exported too. */
  parentOf(span: ReadableSpan): ReadableSpan | undefined;
  /** Parent first, up to the root (or to the first parent that was not exported). */
  ancestorsOf(span: ReadableSpan): ReadableSpan[];
  /** The nearest ancestor that handles a message or a request: the work that made this span's message. */
  handlingAbove(span: ReadableSpan): ReadableSpan | undefined;
  /** The spans of one trace. */
  inTrace(traceId: string): ReadableSpan[];
  /** The spans that started when `span` did or later. */
  since(span: ReadableSpan): ReadableSpan[];
  /**
   * The spans since `first`, outside trace `traceId`, with an attribute equal to one of `values` (an order's
   * id, its conversation's id): work of that conversation that left its trace. Another request's spans (a
   * root `GET` a page or a poll made meanwhile) are not looked at. Each is named with the root above it.
   */
  strays(first: ReadableSpan, traceId: string, values: readonly string[]): string[];
}

/** Whether `a` started before `b` (high-resolution times: seconds, then nanoseconds). */
const startedBefore = (a: ReadableSpan, b: ReadableSpan) =>
  a.startTime[0] < b.startTime[0] || (a.startTime[0] === b.startTime[0] && a.startTime[1] < b.startTime[1]);

export function spanTree(spans: readonly ReadableSpan[]): SpanTree {
  const byId = new Map(spans.map((span) => [`${traceIdOf(span)}/${spanIdOf(span)}`, span]));
  const parentOf = (span: ReadableSpan) => {
    const parent = span.parentSpanContext;
    return parent ? byId.get(`${parent.traceId}/${parent.spanId}`) : undefined;
  };
  const ancestorsOf = (span: ReadableSpan) => {
    const found: ReadableSpan[] = [];
    for (let at = parentOf(span); at && !found.includes(at); at = parentOf(at)) found.push(at);
    return found;
  };
  return {
    spans,
    parentOf,
    ancestorsOf,
    handlingAbove: (span) =>
      ancestorsOf(span).find((each) => each.kind === SpanKind.CONSUMER || each.kind === SpanKind.SERVER),
    inTrace: (traceId) => spans.filter((span) => traceIdOf(span) === traceId),
    since: (first) => spans.filter((span) => !startedBefore(span, first)),
    strays: (first, traceId, values) =>
      spans
        .filter((span) => !startedBefore(span, first) && traceIdOf(span) !== traceId)
        .flatMap((span) => {
          const root = ancestorsOf(span).at(-1) ?? span;
          if (root.kind === SpanKind.SERVER && root.name.startsWith('GET ')) return [];
          const attributes = Object.values(span.attributes).map(String);
          return values.some((value) => attributes.includes(value))
            ? [`${span.name} (under ${root.name})`]
            : [];
        }),
  };
}
