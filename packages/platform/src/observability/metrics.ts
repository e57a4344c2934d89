import client from 'prom-client';

/**
 * The process's Prometheus registry, served at `/metrics`. One per process: in the distributed topology each
 * module process exposes its own.
 */
export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const eventsAppended = new client.Counter({
  name: 'eventstore_events_appended_total',
  help: 'Events appended, by schema',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
});

export const appendConflicts = new client.Counter({
  name: 'eventstore_append_conflicts_total',
  help: 'Appends rejected by optimistic concurrency, by schema',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
});

export const groupedCommitSize = new client.Histogram({
  name: 'eventstore_grouped_commit_appends',
  help: 'Appends carried by one grouped commit, by schema',
  labelNames: ['schema'] as const,
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  registers: [metricsRegistry],
});

/** What a broker's `lag()` answers, per consumer group (structural: observability knows no messaging). */
export interface ConsumerLag {
  readonly group: string;
  readonly pending: number;
  readonly oldestPendingMs?: number;
  readonly deadLetters: number;
}

type LagSource = () => Promise<readonly ConsumerLag[]>;
const lagSources = new Set<LagSource>();

// The registry collects every metric at once: the three gauges share one read of the lag per scrape.
let reading: Promise<ConsumerLag[]> | undefined;
const readLag = () => {
  reading ??= (async () => {
    const all: ConsumerLag[] = [];
    for (const source of lagSources) {
      // A scrape must not fail because the database is briefly away (readiness says so): the series vanish.
      all.push(...(await source().catch(() => [])));
    }
    return all;
  })().finally(() => {
    reading = undefined;
  });
  return reading;
};

const lagGauge = (name: string, help: string, value: (lag: ConsumerLag) => number | undefined) =>
  new client.Gauge({
    name,
    help,
    labelNames: ['group'] as const,
    registers: [metricsRegistry],
    async collect() {
      const lags = await readLag();
      this.reset();
      for (const lag of lags) {
        const measured = value(lag);
        if (measured !== undefined) this.set({ group: lag.group }, measured);
      }
    },
  });

lagGauge(
  'messaging_consumer_pending_messages',
  'Messages a consumer group has yet to handle: waiting, in flight or waiting for a retry',
  (lag) => lag.pending,
);
lagGauge(
  'messaging_consumer_oldest_pending_seconds',
  'How long the oldest message a consumer group has yet to handle has waited',
  (lag) => (lag.oldestPendingMs === undefined ? undefined : lag.oldestPendingMs / 1000),
);
lagGauge('messaging_dead_letters', 'Dead letters of a consumer group', (lag) => lag.deadLetters);

/** Serves a broker's lag as gauges on `/metrics`, read at each scrape, until the returned function is called. */
export function watchConsumerLag(source: LagSource): () => void {
  lagSources.add(source);
  return () => {
    lagSources.delete(source);
  };
}

export const messagesHandled = new client.Counter({
  name: 'messaging_deliveries_total',
  help: 'Deliveries by consumer group and outcome: handled, duplicate (dropped by the inbox), retried, dead_lettered',
  labelNames: ['group', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messageHandlingDuration = new client.Histogram({
  name: 'messaging_handling_duration_seconds',
  help: 'Time from taking a delivery to committing its handling, by consumer group',
  labelNames: ['group'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});

export const messagesRelayed = new client.Counter({
  name: 'messaging_outbox_relayed_total',
  help: 'Messages the outbox relay published to NATS JetStream',
  registers: [metricsRegistry],
});
