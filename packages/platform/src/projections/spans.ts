import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RecordedEvent } from '../eventstore/index.js';
import { contextOfHeaders, inSpan, type TraceHeaders } from '../observability/trace-context.js';

/**
 * A batch applied as a span `project <name>` (ADR 0045), in no trace of its own (the projector follows the
 * store, outside any request), linked to the events' traces when their metadata names them.
 */
export function projectingSpan<T>(
  name: string,
  batch: readonly RecordedEvent[],
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    'project',
    {
      parent: ROOT_CONTEXT,
      describe: (span) => {
        span.updateName(`project ${name}`);
        span.setAttributes({
          'tessera.projection.name': name,
          'tessera.projection.batch_size': batch.length,
          'tessera.projection.position': batch.at(-1)?.position ?? 0,
        });
        for (const event of batch) {
          const { traceparent, tracestate } = event.metadata as TraceHeaders;
          if (typeof traceparent !== 'string') continue;
          const linked = trace.getSpanContext(
            contextOfHeaders({ traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}) }),
          );
          if (linked) span.addLink({ context: linked, attributes: { 'tessera.event.id': event.id } });
        }
      },
    },
    work,
  );
}
