import client from 'prom-client';
import { metricsRegistry, scrapedGauges } from '../observability/index.js';

export const deadlinesFired = new client.Counter({
  name: 'scheduling_deadlines_fired_total',
  help: 'Deadlines published because they fell due, by schema',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
});

/** Serves a running scheduler's pending count on `/metrics`, read at each scrape, until the returned function is called. */
export const watchPendingDeadlines = scrapedGauges<{ schema: string; pending: number }>({
  label: 'schema',
  labelOf: (row) => row.schema,
  gauges: [
    {
      name: 'scheduling_deadlines_pending',
      help: 'Deadlines scheduled and not yet fired nor cancelled, by schema',
      value: (row) => row.pending,
    },
  ],
});
