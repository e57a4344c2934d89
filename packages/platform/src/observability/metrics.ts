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
