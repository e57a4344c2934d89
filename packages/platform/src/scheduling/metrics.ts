import { defineCounter, scrapedGauges } from '../observability/metrics.js';

export const deadlinesFired = defineCounter({
  name: 'scheduling_deadlines_fired_total',
  help: 'Deadlines published because they fell due, by schema',
  labelNames: ['schema'],
});

/** Serves a running scheduler's pending count on `/metrics`, read at each scrape, until the returned function is called. */
export const watchPendingDeadlines = scrapedGauges<{ schema: string; pending: number }>({
  label: 'schema',
  labelOf: (row) => row.schema,
  gauges: [
    {
      name: 'scheduling_deadlines_pending',
      help: 'Deadlines scheduled and not yet fired nor canceled, by schema',
      value: (row) => row.pending,
    },
  ],
});
