import { ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { contextOfHeaders, inSpan, SpanKind, type TraceHeaders } from '../observability/trace-context.js';
import { type Envelope, messageAttributes } from './envelope.js';

/** `messaging.system` of each broker (ADR 0045). */
export type MessagingSystem = 'nats' | 'tessera-embedded';

/**
 * The envelopes one transaction writes to the outbox, as one span `outbox write`: their relay is another
 * span, later, in no trace of its own (it links to theirs). Described only when recorded: every publish.
 */
export function outboxWrite<T>(envelopes: readonly Envelope[], work: () => Promise<T>): Promise<T> {
  return inSpan(
    'outbox write',
    {
      describe: (span) =>
        span.setAttributes({
          'messaging.system': 'nats',
          'messaging.batch.message_count': envelopes.length,
        }),
    },
    work,
  );
}

/**
 * Sending messages to the broker as a `send <destination>` PRODUCER span with a link to each message's own
 * context (the span that produced it): a relay pass carries messages of many traces. `parent` is the
 * context it runs in (the root for a relay, which runs outside any trace). Its name, attributes and links are
 * built only when the span is recorded.
 */
export function sending<T>(
  system: MessagingSystem,
  destination: () => string,
  messages: () => ReadonlyArray<TraceHeaders & Partial<Envelope>>,
  work: () => Promise<T>,
  parent?: 'root',
): Promise<T> {
  return inSpan(
    'send',
    {
      kind: SpanKind.PRODUCER,
      ...(parent === 'root' ? { parent: ROOT_CONTEXT } : {}),
      describe: (span) => describeSending(span, system, destination(), messages()),
    },
    work,
  );
}

function describeSending(
  span: Span,
  system: MessagingSystem,
  destination: string,
  messages: ReadonlyArray<TraceHeaders & Partial<Envelope>>,
) {
  span.updateName(`send ${destination}`);
  span.setAttributes({
    'messaging.system': system,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
    'messaging.destination.name': destination,
    'messaging.batch.message_count': messages.length,
  });
  for (const message of messages) {
    const context = trace.getSpanContext(contextOfHeaders(message));
    if (context)
      span.addLink({
        context,
        ...(message.id && message.type ? { attributes: messageAttributes(message as Envelope) } : {}),
      });
  }
}

/** The one subject of `envelopes`, or `fallback` when they go to several. */
export function destinationOf(envelopes: readonly Envelope[], fallback: string): string {
  const subject = envelopes[0]?.subject ?? fallback;
  return envelopes.every((envelope) => envelope.subject === subject) ? subject : fallback;
}
