import { performance } from 'node:perf_hooks';
import {
  defineCounter,
  defineHistogram,
  defineTracedHistogram,
  durationBuckets,
  scrapedGauges,
  secondsOf,
} from '../observability/metrics.js';
import type { GroupLag } from './broker.js';

/** Serves a broker's lag as gauges on `/metrics`, read at each scrape, until the returned function is called. */
export const watchConsumerLag = scrapedGauges<GroupLag>({
  label: 'group',
  labelOf: (lag) => lag.group,
  gauges: [
    {
      name: 'messaging_consumer_pending_messages',
      help: 'Messages a consumer group has yet to handle: waiting, in flight or waiting for a retry',
      value: (lag) => lag.pending,
    },
    {
      name: 'messaging_consumer_oldest_pending_seconds',
      help: 'How long the oldest message a consumer group has yet to handle has waited',
      value: (lag) => secondsOf(lag.oldestPendingMs),
    },
    {
      name: 'messaging_dead_letters',
      help: 'Dead letters of a consumer group',
      value: (lag) => lag.deadLetters,
    },
  ],
});

export const messagesHandled = defineCounter({
  name: 'messaging_deliveries_total',
  help: 'Deliveries by consumer group and outcome: handled, duplicate (dropped by the inbox), retried, dead_lettered',
  labelNames: ['group', 'outcome'],
});

export const messageHandlingDuration = defineHistogram({
  name: 'messaging_handling_duration_seconds',
  help: 'Time from taking a delivery to committing its handling, by consumer group',
  labelNames: ['group'],
  buckets: durationBuckets(10),
});

export const messagesRelayed = defineCounter({
  name: 'messaging_outbox_relayed_total',
  help: 'Messages the outbox relay published to NATS JetStream',
});

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
