import { defineCounter, defineHistogram } from '../observability/metrics.js';

export const eventsAppended = defineCounter({
  name: 'eventstore_events_appended_total',
  help: 'Events appended, by schema',
  labelNames: ['schema'],
});

export const appendConflicts = defineCounter({
  name: 'eventstore_append_conflicts_total',
  help: 'Appends rejected by optimistic concurrency, by schema',
  labelNames: ['schema'],
});

export const groupedCommitSize = defineHistogram({
  name: 'eventstore_grouped_commit_appends',
  help: 'Appends carried by one grouped commit, by schema',
  labelNames: ['schema'],
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
});
