import { scrapedGauges, secondsOf } from '../observability/metrics.js';
import type { ProjectionLag } from './projector.js';

/** Serves projections' lag as gauges on `/metrics`, read at each scrape, until the returned function is called. */
export const watchProjectionLag = scrapedGauges<ProjectionLag>({
  label: 'projection',
  labelOf: (lag) => lag.name,
  gauges: [
    {
      name: 'projection_events_behind',
      help: 'Events committed that a projection has yet to handle',
      value: (lag) => lag.behind,
    },
    {
      name: 'projection_oldest_pending_seconds',
      help: 'How long ago the oldest event a projection has yet to handle was recorded',
      value: (lag) => secondsOf(lag.oldestPendingMs),
    },
    {
      name: 'projection_position',
      help: 'Position of the last event a projection has handled',
      value: (lag) => lag.position,
    },
    {
      name: 'projection_rebuilding',
      help: '1 while a projection replays its history after a reset',
      value: (lag) => (lag.rebuilding ? 1 : 0),
    },
  ],
});
