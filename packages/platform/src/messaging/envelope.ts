import { createHash, randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import {
  contextOfHeaders,
  currentConversation,
  inSpan,
  SpanKind,
  type TraceHeaders,
  traceHeadersOf,
} from '../observability/trace-context.js';
import { findUnstorableText, isStorableText } from '../sql/storable-text.js';
import { measuredHandling } from './handling-metrics.js';

/**
 * What travels between modules: an integration event, a command or a reply, with everything a receiver
 * needs to deduplicate it (a stable id), order it (a key), trace it, and know where it came from.
 */
export interface Envelope<Data = unknown> {
  /** Stable across retries and redeliveries: receivers deduplicate on it. */
  readonly id: string;
  /** `<module>api.<Name>`, e.g. `storesapi.StoreCreated`. */
  readonly type: string;
  readonly schemaVersion: number;
  /** The module that produced it. */
  readonly source: string;
  /** The channel, e.g. `mallbots.stores.events.Store`. */
  readonly subject: string;
  /** Messages with the same key are delivered in order within a consumer group (an aggregate id). */
  readonly key: string;
  /** When it was produced, ISO 8601 in UTC. */
  readonly time: string;
  /** The id of the first message (or request) of the conversation. */
  readonly correlationId: string;
  /** The id of the message that caused this one, when there is one. */
  readonly causationId?: string;
  /** W3C trace context, so that a trace follows the message. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** W3C baggage: what the conversation's first request set for everything downstream. */
  readonly baggage?: string;
  /** For commands: where the reply goes. */
  readonly replyTo?: string;
  readonly data: Data;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

const TYPE = /^[a-z][a-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The envelope's own text goes into text columns (ids, keys, the inbox): it must be text they can hold. */
const storable = (schema: z.ZodString) =>
  schema.refine(isStorableText, 'must hold no NUL character or lone UTF-16 surrogate');

export const envelopeSchema = z.strictObject({
  id: storable(z.string().min(1).max(200)),
  type: z.string().regex(TYPE, 'must be <module>.<Name>'),
  schemaVersion: z.number().int().min(1),
  source: storable(z.string().min(1).max(100)),
  subject: z.string().regex(SUBJECT, 'must be dot-separated tokens'),
  key: storable(z.string().min(1).max(200)),
  time: z.iso.datetime({ offset: true }),
  correlationId: storable(z.string().min(1).max(200)),
  causationId: storable(z.string().min(1).max(200)).optional(),
  traceparent: z.string().regex(TRACEPARENT, 'must be a W3C traceparent').optional(),
  tracestate: storable(z.string().max(512)).optional(),
  baggage: storable(z.string().max(8192)).optional(),
  replyTo: storable(z.string().min(1).max(200)).optional(),
  data: z.unknown(),
});

const FIELDS = new Set(Object.keys(envelopeSchema.shape));
const text = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max && isStorableText(value);
const optionalText = (value: unknown, max: number) => value === undefined || text(value, max);

/**
 * True only for what `envelopeSchema` accepts, checked without zod: every message published and received
 * goes through it, and zod's parse cost more than the rest of the envelope's handling. It may answer false
 * for a valid envelope (a time not in `toISOString`'s form, say): `checkEnvelope` then asks the schema, which
 * also names what is wrong. A property test holds it to the schema.
 */
export function plainlyValid(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  for (const key in e) if (!FIELDS.has(key)) return false;
  return (
    text(e.id, 200) &&
    typeof e.type === 'string' &&
    TYPE.test(e.type) &&
    typeof e.schemaVersion === 'number' &&
    Number.isSafeInteger(e.schemaVersion) &&
    e.schemaVersion >= 1 &&
    text(e.source, 100) &&
    typeof e.subject === 'string' &&
    SUBJECT.test(e.subject) &&
    text(e.key, 200) &&
    typeof e.time === 'string' &&
    e.time.length === 24 &&
    isCanonicalTime(e.time) &&
    text(e.correlationId, 200) &&
    optionalText(e.causationId, 200) &&
    (e.traceparent === undefined || (typeof e.traceparent === 'string' && TRACEPARENT.test(e.traceparent))) &&
    (e.tracestate === undefined ||
      (typeof e.tracestate === 'string' && e.tracestate.length <= 512 && isStorableText(e.tracestate))) &&
    (e.baggage === undefined ||
      (typeof e.baggage === 'string' && e.baggage.length <= 8192 && isStorableText(e.baggage))) &&
    optionalText(e.replyTo, 200)
  );
}

/** `toISOString`'s own form of a valid instant (one parse; an invalid date has no ISO string at all). */
function isCanonicalTime(time: string): boolean {
  const instant = new Date(time);
  return !Number.isNaN(instant.getTime()) && instant.toISOString() === time;
}

/** Parses an envelope: `plainlyValid`'s fast answer, or the schema's (which throws a ZodError naming the field). */
export function checkEnvelope(value: unknown): Envelope {
  return plainlyValid(value) ? value : (envelopeSchema.parse(value) as Envelope);
}

/** A message that can never be handled as it is: it goes to the dead letters at once, with the reason. */
export class PoisonMessageError extends Error {
  constructor(
    readonly reason: string,
    readonly field?: string,
  ) {
    super(field ? `poison message: ${field}: ${reason}` : `poison message: ${reason}`);
    this.name = 'PoisonMessageError';
  }
}

export interface NewMessage<Data = unknown> {
  type: string;
  schemaVersion?: number;
  subject: string;
  key: string;
  data: Data;
  id?: string;
  replyTo?: string;
}

/**
 * A message not derived from another one. Inside an HTTP request or a message handling it joins that
 * conversation and trace (its parent is the active span); elsewhere (a timer, a script) it starts one and is
 * its own correlation.
 */
export function newEnvelope<Data>(
  source: string,
  message: NewMessage<Data>,
  context: { correlationId?: string; now?: Date } & TraceHeaders = {},
): Envelope<Data> {
  const id = message.id ?? randomUUID();
  const conversation = currentConversation();
  const headers = context.traceparent ? context : traceHeadersOf();
  return withoutUndefined({
    id,
    type: message.type,
    schemaVersion: message.schemaVersion ?? 1,
    source,
    subject: message.subject,
    key: message.key,
    time: (context.now ?? new Date()).toISOString(),
    correlationId: context.correlationId ?? conversation?.correlationId ?? id,
    causationId: conversation?.causationId,
    traceparent: headers.traceparent,
    tracestate: headers.tracestate,
    baggage: headers.baggage,
    replyTo: message.replyTo,
    data: message.data,
  });
}

/**
 * A message produced while handling `cause`: same conversation, caused by it, a child of the span handling
 * it (of the cause's own trace context when no span is active). Its id is derived from the cause's id and its
 * place among the messages the handling produced, so a retried handling produces the same ids and receivers
 * can recognise the duplicates.
 */
export function causedBy<Data>(
  cause: Envelope,
  source: string,
  index: number,
  message: Omit<NewMessage<Data>, 'id'>,
  now: Date = new Date(),
): Envelope<Data> {
  const active = traceHeadersOf();
  const headers = active.traceparent ? active : cause;
  return withoutUndefined({
    id: derivedId(cause.id, index),
    type: message.type,
    schemaVersion: message.schemaVersion ?? 1,
    source,
    subject: message.subject,
    key: message.key,
    time: now.toISOString(),
    correlationId: cause.correlationId,
    causationId: cause.id,
    traceparent: headers.traceparent,
    tracestate: headers.tracestate,
    baggage: headers.baggage,
    replyTo: message.replyTo,
    data: message.data,
  });
}

/** Where a message is handled: the subscription's group, and the module handling it when known (spans). */
export interface HandlingSite {
  readonly group: string;
  readonly module?: string;
}

/** The messaging semantic conventions' attributes of one message. */
export const messageAttributes = (message: Envelope) => ({
  'messaging.destination.name': message.subject,
  'messaging.message.id': message.id,
  'messaging.message.conversation_id': message.correlationId,
  'tessera.message.type': message.type,
  'tessera.message.source': message.source,
  'tessera.message.key': message.key,
});

const siteAttributes = (site: HandlingSite | undefined) => ({
  'messaging.operation.type': 'process',
  'messaging.operation.name': 'process',
  ...(site ? { 'messaging.consumer.group.name': site.group } : {}),
  ...(site?.module ? { 'tessera.module': site.module } : {}),
});

/**
 * Runs a handler of `message` as a consumer span, a child of the span that produced it (ADR 0045), in its
 * conversation: the handler's logs carry both, and what it publishes continues them (caused by `message`).
 * Its name and attributes are built only when the span is recorded: this runs for every message.
 */
export function handlingOf<T>(message: Envelope, handle: () => Promise<T>, site?: HandlingSite): Promise<T> {
  return inSpan(
    'process',
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfHeaders(message),
      conversation: { correlationId: message.correlationId, causationId: message.id },
      describe: (span) => {
        span.updateName(`process ${message.type}`);
        span.setAttributes({ ...siteAttributes(site), ...messageAttributes(message) });
      },
    },
    () => measuredHandling([message], site?.group, handle),
  );
}

/**
 * Runs a batch handler as one consumer span with a link to each message's producer (a batch has many
 * parents), in the conversation of the batch's first message.
 */
export function handlingOfBatch<T>(
  messages: readonly Envelope[],
  handle: () => Promise<T>,
  site?: HandlingSite,
): Promise<T> {
  const first = messages[0]!;
  if (messages.length === 1) return handlingOf(first, handle, site);
  return inSpan(
    'process',
    {
      kind: SpanKind.CONSUMER,
      conversation: { correlationId: first.correlationId, causationId: first.id },
      // A link per message (an extraction and its attributes each): only for a span that is recorded.
      describe: (span) => {
        span.updateName(`process ${site?.group ?? first.subject}`);
        span.setAttributes({ ...siteAttributes(site), 'messaging.batch.message_count': messages.length });
        span.addLinks(
          messages.flatMap((message) => {
            const spanContext = trace.getSpanContext(contextOfHeaders(message));
            return spanContext ? [{ context: spanContext, attributes: messageAttributes(message) }] : [];
          }),
        );
      },
    },
    () => measuredHandling(messages, site?.group, handle),
  );
}

// A fixed namespace for derived ids (UUID version 5, RFC 9562).
const NAMESPACE = Buffer.from('6f1a1c2e8b7d4c0e9a3b5d7f2e4c6a80', 'hex');

/** A UUID v5 of `<id>/<index>`: the same inputs always give the same id. */
export function derivedId(id: string, index: number): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${id}/${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return Buffer.from(JSON.stringify(envelope));
}

/**
 * Decodes and checks an envelope from the wire; anything that does not fit is a PoisonMessageError. So is
 * data holding text storage cannot hold (a NUL, a lone surrogate: see sql/storable-text.ts): every handler
 * that stored it would fail, each attempt alike, and a jsonb column or a json operator would refuse it.
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  let text: string;
  let json: unknown;
  try {
    // A view of the bytes, not a copy: this runs for every message received.
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    json = JSON.parse(text);
  } catch (error) {
    throw new PoisonMessageError(`not JSON (${(error as Error).message})`);
  }
  const envelope = plainlyValid(json) ? json : parseEnvelope(json);
  // JSON can only carry such text as an escape (\u0000, \ud800): most messages have none to look for.
  if (text.includes('\\u')) {
    const found = findUnstorableText(envelope.data, ['data']);
    if (found) throw new PoisonMessageError(found.message, found.path.join('.'));
  }
  return envelope;
}

function parseEnvelope(json: unknown): Envelope {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field =
      issue.code === 'unrecognized_keys'
        ? issue.keys.join(', ')
        : issue.path.map(String).join('.') || undefined;
    throw new PoisonMessageError(issue.message, field);
  }
  return parsed.data as Envelope;
}

/** The envelope without its undefined optional fields (they must not reach the wire as `null`s or keys). */
function withoutUndefined<T extends Envelope>(value: T): T {
  // A loop that copies, not Object.entries/fromEntries: this runs for every message published.
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const field = value[key];
    if (field !== undefined) copy[key] = field;
  }
  return copy as T;
}
