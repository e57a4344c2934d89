import { defineCounter, defineTracedHistogram, durationBuckets } from '../observability/metrics.js';

export const sagaTransitions = defineCounter({
  name: 'saga_transitions_total',
  help: 'What saga and process manager instances went through, by definition and event: started, sent, replied, timed_out, ignored, compensating, completed, compensated, failed, handled, deadline, ended',
  labelNames: ['saga', 'event'],
});

/**
 * How long a saga's or a process manager's instance took to move, by definition, what moved it (start,
 * reply, timeout, message, deadline) and its outcome (the instance's new status, `ignored` or `error`): the
 * duration of RED per saga, with the move's trace as its exemplar (ADR 0046).
 */
export const sagaMoveDuration = defineTracedHistogram({
  name: 'saga_move_duration_seconds',
  help: "Moves of saga and process manager instances, by definition, what moved it (start, reply, timeout, message, deadline) and outcome (the instance's new status, ignored, error)",
  labelNames: ['saga', 'move', 'outcome'],
  buckets: durationBuckets(10),
});
