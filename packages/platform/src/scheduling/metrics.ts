import client from 'prom-client';
import { metricsRegistry } from '../observability/index.js';

export const deadlinesFired = new client.Counter({
  name: 'scheduling_deadlines_fired_total',
  help: 'Deadlines published because they fell due, by schema',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
});

type PendingSource = () => Promise<{ schema: string; pending: number }>;
const pendingSources = new Set<PendingSource>();

new client.Gauge({
  name: 'scheduling_deadlines_pending',
  help: 'Deadlines scheduled and not yet fired nor cancelled, by schema',
  labelNames: ['schema'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const source of pendingSources) {
      // A scrape must not fail because the database is briefly away: the series vanishes.
      const read = await source().catch(() => undefined);
      if (read) this.set({ schema: read.schema }, read.pending);
    }
  },
});

/** Serves a running scheduler's pending count on `/metrics`, read at each scrape, until the returned function is called. */
export function watchPendingDeadlines(source: PendingSource): () => void {
  pendingSources.add(source);
  return () => {
    pendingSources.delete(source);
  };
}
