import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@tessera/platform/observability';
import { eventually } from '@tessera/platform/testing';

/** Telemetry exporting to memory for one test file: start it in beforeAll, `stop` in afterAll. */
export function recordedSpans() {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry | undefined;
  const finished = async () => {
    await telemetry?.flush();
    return exporter.getFinishedSpans();
  };
  return {
    start() {
      telemetry = startTelemetry({ spanExporter: exporter });
    },
    stop: () => telemetry?.shutdown(),
    finished,
    /** Waits until the finished spans hold one named `name` (matching `where`), and returns it. */
    async named(name: string, where: (span: ReadableSpan) => boolean = () => true): Promise<ReadableSpan> {
      const spans = await eventually(`a span ${name}`, finished, (all) =>
        all.some((span) => span.name === name && where(span)),
      );
      return spans.find((span) => span.name === name && where(span))!;
    },
  };
}

export const idOf = (span: ReadableSpan) => span.spanContext().spanId;
export const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

/** Whether `child`'s parent is `parent` (same trace, its parent span id). */
export const isChildOf = (child: ReadableSpan, parent: ReadableSpan) =>
  child.parentSpanContext?.spanId === idOf(parent) && traceOf(child) === traceOf(parent);

/** Whether `span` links to the span whose id is `spanId`. */
export const linksTo = (span: ReadableSpan, spanId: string) =>
  span.links.some((link) => link.context.spanId === spanId);

export const failed = (span: ReadableSpan) => span.status.code === SpanStatusCode.ERROR;
