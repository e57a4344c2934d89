import { defineHistogram, durationBuckets } from '../observability/metrics.js';

export const httpRequestDuration = defineHistogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status',
  labelNames: ['method', 'route', 'status'],
  buckets: durationBuckets(2.5),
});
