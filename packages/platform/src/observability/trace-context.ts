import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';

/**
 * The conversation a piece of work belongs to, carried across HTTP requests and messages: a correlation id
 * (the first request or message of the conversation), what caused this work, and a W3C trace context whose
 * trace id stays the same from the kiosk's request to the last handler. Logs written meanwhile carry it,
 * and messages published meanwhile inherit it (`newEnvelope`), so a trace follows the message.
 */
export interface TraceContext {
  readonly correlationId: string;
  readonly causationId?: string;
  /** `00-<trace id>-<span id>-<flags>`: this work's own span. */
  readonly traceparent: string;
  readonly tracestate?: string;
}

const contexts = new AsyncLocalStorage<TraceContext>();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

// Random ids are cut from a pool filled 4 KiB at a time: a call to the system's generator per span costs
// more than the rest of a message's handling bookkeeping.
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** A new span of the trace `traceparent` names (or of a new trace when it is missing or malformed). */
export function childTraceparent(traceparent?: string): string {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  const traceId = match && match[1] !== '0'.repeat(32) ? match[1]! : randomHex(16);
  return `00-${traceId}-${randomHex(8)}-${match?.[3] ?? '01'}`;
}

export const traceIdOf = (traceparent: string) => traceparent.slice(3, 35);

export function runInTraceContext<T>(context: TraceContext, work: () => T): T {
  return contexts.run(context, work);
}

export function currentTraceContext(): TraceContext | undefined {
  return contexts.getStore();
}

/** What every log line written inside a traced piece of work carries. */
export function traceFields(): Record<string, string> {
  const context = contexts.getStore();
  if (!context) return {};
  return {
    correlationId: context.correlationId,
    traceId: traceIdOf(context.traceparent),
    ...(context.causationId ? { causationId: context.causationId } : {}),
  };
}
