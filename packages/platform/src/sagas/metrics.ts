import { defineCounter } from '../observability/metrics.js';

export const sagaTransitions = defineCounter({
  name: 'saga_transitions_total',
  help: 'What saga and process manager instances went through, by definition and event: started, sent, replied, timed_out, ignored, compensating, completed, compensated, failed, handled, deadline, ended',
  labelNames: ['saga', 'event'],
});
