import { performance } from 'node:perf_hooks';
import { defineTracedHistogram, durationBuckets } from '../observability/metrics.js';

// The handlers' metrics, apart from metrics.ts: the envelope's handling records them, and metrics.ts reads
// the broker's types, which read the envelope's (a cycle).

export const handlerDuration = defineTracedHistogram({
  name: 'messaging_handler_duration_seconds',
  help: 'Handlings by consumer group, message type and outcome (ok, error): the handler alone, inside its delivery; a batch handling counts each message with its share of the time',
  labelNames: ['group', 'type', 'outcome'],
  buckets: durationBuckets(10),
});

/**
 * Runs `handle` (the handler of `group` for `messages`) timed per message type and outcome, inside its span:
 * the exemplar is its trace. Rate, errors and duration per handler (ADR 0046).
 */
export async function measuredHandling<T>(
  messages: ReadonlyArray<{ readonly type: string }>,
  group: string | undefined,
  handle: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let outcome = 'error';
  try {
    const result = await handle();
    outcome = 'ok';
    return result;
  } finally {
    const seconds = (performance.now() - started) / 1000 / messages.length;
    for (const { type } of messages)
      handlerDuration.observe({ group: group ?? 'none', type, outcome }, seconds);
  }
}
