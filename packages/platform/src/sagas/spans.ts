import { performance } from 'node:perf_hooks';
import type { Span } from '@opentelemetry/api';
import { inSpan } from '../observability/trace-context.js';
import type { AnyProcessManager, AnySaga } from './definition.js';
import { sagaMoveDuration } from './metrics.js';
import type { ProcessInput } from './process-core.js';
import type { HistoryEntry } from './saga-core.js';

/**
 * A saga's spans (ADR 0045), in the trace of the message that moved it: `saga <name> <step>` for a step run
 * (its command sent, its timeout scheduled), `saga <name> compensate <step>` for a compensation,
 * `saga <name> reply <reply type>` and `saga <name> timeout <step>` for what moved it. A step's action that
 * throws fails the span it runs in (the start's step span, or the reply's or the timeout's).
 */
export type SagaMove =
  | { readonly kind: 'start' }
  | { readonly kind: 'reply'; readonly type: string; readonly step: number }
  | { readonly kind: 'timeout'; readonly step: number };

const stepName = (saga: AnySaga, index: number) => saga.steps[index]?.name ?? String(index);

/** The first step that runs an action: what a start runs. */
const firstStep = (saga: AnySaga) => saga.steps.findIndex((step) => step.action);

const attributes = (saga: AnySaga, id: string, step: number) => ({
  'tessera.saga.name': saga.name,
  'tessera.saga.id': id,
  'tessera.saga.step': stepName(saga, step),
});

/** Runs a move of instance `id` as its span; `work` resolves to the outcome (the instance's new status). */
export function sagaMoveSpan<T extends { outcome: string }>(
  saga: AnySaga,
  id: string,
  move: SagaMove,
  work: () => Promise<T>,
): Promise<T> {
  const step = move.kind === 'start' ? firstStep(saga) : move.step;
  return inSpan(
    'saga',
    {
      describe: (span) => {
        span.updateName(
          move.kind === 'start'
            ? `saga ${saga.name} ${stepName(saga, step)}`
            : move.kind === 'reply'
              ? `saga ${saga.name} reply ${move.type}`
              : `saga ${saga.name} timeout ${stepName(saga, step)}`,
        );
        span.setAttributes(attributes(saga, id, step));
      },
    },
    (span) => timed(span, saga.name, move.kind, work),
  );
}

/** Runs `work` (a move of `saga`) timed by what moved it and its outcome, recorded on `span` too. */
async function timed<T extends { outcome: string }>(
  span: Span,
  saga: string,
  move: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const observe = (result: string) =>
    sagaMoveDuration.observe({ saga, move, outcome: result }, (performance.now() - started) / 1000);
  try {
    const result = await work();
    outcome(span, result.outcome);
    observe(result.outcome);
    return result;
  } catch (error) {
    observe('error');
    throw error;
  }
}

/**
 * The step a move ran, as its own span around what it sends and schedules (so the participant's handling
 * and the step's timeout are its children). None for a start (its span is the step's) or a move that ran none.
 */
export function stepSpan<T>(
  saga: AnySaga,
  id: string,
  history: readonly HistoryEntry[],
  work: () => Promise<T>,
): Promise<T> {
  const sent = history.find((entry) => entry.event === 'sent');
  if (!sent || sent.step === undefined) return work();
  const step = sent.step;
  const compensation = sent.detail?.compensation === true;
  return inSpan(
    'saga step',
    {
      describe: (span) => {
        const name = stepName(saga, step);
        span.updateName(compensation ? `saga ${saga.name} compensate ${name}` : `saga ${saga.name} ${name}`);
        span.setAttributes({
          ...attributes(saga, id, step),
          'tessera.saga.outcome': compensation ? 'compensating' : 'running',
        });
      },
    },
    work,
  );
}

function outcome(span: Span, status: string) {
  if (span.isRecording()) span.setAttribute('tessera.saga.outcome', status);
}

/**
 * A process manager's reaction to what moved instance `id` (a message, a reply, a deadline):
 * `process manager <name> <message type | reply | deadline name>`, its outcome the instance's new status or
 * `ignored`.
 */
export function processMoveSpan(
  process: AnyProcessManager,
  id: string,
  input: ProcessInput,
  work: () => Promise<{ outcome: string }>,
): Promise<{ outcome: string }> {
  return inSpan(
    'process manager',
    {
      describe: (span) => {
        const what =
          input.kind === 'message'
            ? input.message.type
            : input.kind === 'deadline'
              ? `deadline ${input.deadline.name}`
              : 'reply';
        span.updateName(`process manager ${process.name} ${what}`);
        span.setAttributes({ 'tessera.saga.name': process.name, 'tessera.saga.id': id });
      },
    },
    (span) => timed(span, process.name, input.kind, work),
  );
}
