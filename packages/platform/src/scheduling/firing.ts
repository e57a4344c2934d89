import { context, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import type { Envelope } from '../messaging/index.js';
import {
  contextOfHeaders,
  failSpan,
  type TraceHeaders,
  traceHeadersOf,
  tracer,
} from '../observability/trace-context.js';

/** The trace headers of the work scheduling a deadline, as its row keeps them; null outside any trace. */
export function schedulingTraceHeaders(): string | null {
  const active = trace.getSpanContext(context.active());
  return active && trace.isSpanContextValid(active) ? JSON.stringify(traceHeadersOf()) : null;
}

/** Deadlines being fired, each as its span; what they publish continues the span's trace. */
export interface Firing {
  readonly envelopes: readonly Envelope[];
  /** Ends the spans (as failed, with `error`). */
  end(error?: unknown): void;
}

/**
 * Each deadline fired is a span `deadline <kind>` (its message type), a child of the work that scheduled it
 * when its row kept that work's trace headers (ADR 0045: the timeout of a saga's step shows in the
 * checkout's trace), else the root of a new trace linked to its message's producer. The message it
 * publishes is re-stamped with that span's trace headers: its handling is the firing's child. The deadlines
 * of one pass are published in one statement, so the spans are started here and ended by `end`.
 */
export function firing(rows: ReadonlyArray<{ id: string; envelope: string; trace: string | null }>): Firing {
  const spans: Span[] = [];
  const envelopes = rows.map((row) => {
    const envelope = JSON.parse(row.envelope) as Envelope;
    const scheduledIn = row.trace ? (JSON.parse(row.trace) as TraceHeaders) : undefined;
    const parent = scheduledIn ? contextOfHeaders(scheduledIn) : ROOT_CONTEXT;
    const producer = scheduledIn ? undefined : trace.getSpanContext(contextOfHeaders(envelope));
    const span = tracer().startSpan('deadline', producer ? { links: [{ context: producer }] } : {}, parent);
    spans.push(span);
    if (span.isRecording()) {
      span.updateName(`deadline ${envelope.type}`);
      span.setAttributes({ 'tessera.deadline.kind': envelope.type, 'tessera.deadline.id': row.id });
    }
    const headers = traceHeadersOf(trace.setSpan(parent, span));
    const { traceparent: _, tracestate: __, ...rest } = envelope;
    return { ...rest, ...headers } as Envelope;
  });
  return {
    envelopes,
    end(error) {
      for (const span of spans) {
        if (error !== undefined) failSpan(span, error);
        span.end();
      }
    },
  };
}
