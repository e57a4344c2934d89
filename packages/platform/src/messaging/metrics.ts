import {
  defineCounter,
  defineHistogram,
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
