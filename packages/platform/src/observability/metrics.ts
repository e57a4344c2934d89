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

/**
 * Gauges read at each scrape from sources registered while something runs (a broker's consumer groups, a
 * projector's lag, a scheduler's pending deadlines). The gauges of one family share one read of the sources
 * per scrape, and a source that fails (the database briefly away; readiness says so) drops its series
 * rather than failing the scrape. Returns how to register a source; the registration returns its removal.
 */
export function scrapedGauges<Row>(family: {
  readonly label: string;
  readonly labelOf: (row: Row) => string;
  readonly gauges: ReadonlyArray<{ name: string; help: string; value: (row: Row) => number | undefined }>;
}): (source: () => Promise<readonly Row[]>) => () => void {
  const sources = new Set<() => Promise<readonly Row[]>>();
  let reading: Promise<Row[]> | undefined;
  const read = () => {
    reading ??= (async () => {
      const all: Row[] = [];
      for (const source of sources) all.push(...(await source().catch(() => [])));
      return all;
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  for (const gauge of family.gauges) {
    new client.Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: [family.label],
      registers: [metricsRegistry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const row of rows) {
          const measured = gauge.value(row);
          if (measured !== undefined) this.set({ [family.label]: family.labelOf(row) }, measured);
        }
      },
    });
  }
  return (source) => {
    sources.add(source);
    return () => {
      sources.delete(source);
    };
  };
}

/** Serves a broker's lag as gauges on `/metrics`, read at each scrape, until the returned function is called. */
export const watchConsumerLag = scrapedGauges<ConsumerLag>({
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
      value: (lag) => (lag.oldestPendingMs === undefined ? undefined : lag.oldestPendingMs / 1000),
    },
    {
      name: 'messaging_dead_letters',
      help: 'Dead letters of a consumer group',
      value: (lag) => lag.deadLetters,
    },
  ],
});

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
