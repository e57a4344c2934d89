import { defineTracedHistogram, durationBuckets } from '../observability/metrics.js';

export const httpRequestDuration = defineTracedHistogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status (rate, errors by status, duration: RED per route)',
  labelNames: ['method', 'route', 'status'],
  buckets: durationBuckets(2.5),
});
