import client from 'prom-client';
import { metricsRegistry } from '../observability/index.js';
import type { ProjectionLag } from './projector.js';

type LagSource = () => Promise<readonly ProjectionLag[]>;
const lagSources = new Set<LagSource>();

// The registry collects every metric at once: the gauges share one read of the lag per scrape.
let reading: Promise<ProjectionLag[]> | undefined;
const readLag = () => {
  reading ??= (async () => {
    const all: ProjectionLag[] = [];
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

const lagGauge = (name: string, help: string, value: (lag: ProjectionLag) => number | undefined) =>
  new client.Gauge({
    name,
    help,
    labelNames: ['projection'] as const,
    registers: [metricsRegistry],
    async collect() {
      const lags = await readLag();
      this.reset();
      for (const lag of lags) {
        const measured = value(lag);
        if (measured !== undefined) this.set({ projection: lag.name }, measured);
      }
    },
  });

lagGauge(
  'projection_events_behind',
  'Events committed that a projection has yet to handle',
  (lag) => lag.behind,
);
lagGauge(
  'projection_oldest_pending_seconds',
  'How long ago the oldest event a projection has yet to handle was recorded',
  (lag) => (lag.oldestPendingMs === undefined ? undefined : lag.oldestPendingMs / 1000),
);
lagGauge('projection_position', 'Position of the last event a projection has handled', (lag) => lag.position);
lagGauge('projection_rebuilding', '1 while a projection replays its history after a reset', (lag) =>
  lag.rebuilding ? 1 : 0,
);

/** Serves projections' lag as gauges on `/metrics`, read at each scrape, until the returned function is called. */
export function watchProjectionLag(source: LagSource): () => void {
  lagSources.add(source);
  return () => {
    lagSources.delete(source);
  };
}
