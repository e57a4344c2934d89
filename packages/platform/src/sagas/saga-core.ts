import { derivedId } from '../messaging/envelope.js';
import type { SagaCommand, SagaDefinition, SagaStatus, StepReply } from './definition.js';
import { TERMINAL } from './definition.js';

/**
 * The pure core of an orchestrated saga: (definition, instance, input) → transition. No I/O, no clock: the
 * coordinator persists what it returns, and tests drive it given/when/then, timeouts included (a timeout is
 * just an input).
 */

/** An instance between two messages: everything the coordinator persists. */
export interface SagaInstance<Data> {
  readonly saga: string;
  readonly id: string;
  /** The step last executed; −1 before the first. */
  readonly step: number;
  readonly status: SagaStatus;
  readonly data: Data;
  /** The id of the command whose reply the instance waits for; only its reply moves it on. */
  readonly awaiting?: string;
}

export type SagaInput<Data> =
  | { readonly kind: 'start'; readonly id: string; readonly data: Data }
  | {
      readonly kind: 'reply';
      /** The reply's causation: the id of the command it answers. */
      readonly causationId: string;
      readonly messageId: string;
      readonly reply: StepReply;
    }
  | { readonly kind: 'timeout'; readonly causationId: string; readonly messageId: string };

/** A command to send, with the id it must carry so that a retried transition sends the same message. */
export interface OutgoingCommand extends SagaCommand {
  readonly id: string;
  readonly replyTo: string;
  readonly step: number;
}

/** A deadline to schedule: its message (`type`, `data`) arrives on the definition's channel when due. */
export interface DeadlineToSchedule {
  readonly id: string;
  readonly afterMs: number;
  /** The id of the message the deadline publishes: stable, so a retried transition schedules the same. */
  readonly messageId: string;
  readonly type: string;
  readonly data: unknown;
  /** For a step's timeout: the command it times. */
  readonly causationId?: string;
}

export type HistoryEvent =
  | 'started'
  | 'sent'
  | 'replied'
  | 'timed_out'
  | 'ignored'
  | 'compensating'
  | 'completed'
  | 'compensated'
  | 'failed'
  | 'handled'
  | 'deadline'
  | 'ended';

export interface HistoryEntry {
  readonly event: HistoryEvent;
  readonly step?: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Transition<Instance> {
  readonly instance: Instance;
  readonly commands: readonly OutgoingCommand[];
  readonly schedule: readonly DeadlineToSchedule[];
  readonly cancel: readonly string[];
  readonly history: readonly HistoryEntry[];
}

export const STEP_TIMED_OUT = 'sagas.StepTimedOut';

/** The command id of a step in a direction: derived from the instance, so a retry derives it again. */
export const commandIdOf = (saga: string, id: string, step: number, compensating: boolean) =>
  derivedId(`${saga}/${id}/${compensating ? 'compensation' : 'action'}`, step);

export const timeoutIdOf = (saga: string, id: string, step: number) => `${saga}:${id}:timeout:${step}`;

/**
 * One move of a saga. Throws what an action or a reply handler throws: the coordinator's transaction then
 * rolls back and the message is retried (the reference swallowed action errors).
 */
export function sagaTransition<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data> | undefined,
  input: SagaInput<Data>,
): Transition<SagaInstance<Data>> {
  if (input.kind === 'start') {
    if (instance) return ignored(instance, 'already started');
    const started: SagaInstance<Data> = {
      saga: definition.name,
      id: input.id,
      step: -1,
      status: 'running',
      data: input.data,
    };
    return execute(definition, started, [{ event: 'started' }]);
  }
  if (!instance) throw new Error(`saga ${definition.name}: no instance to take a ${input.kind}`);
  if (TERMINAL.has(instance.status)) return ignored(instance, `saga is ${instance.status}`, input);
  if (input.causationId !== instance.awaiting) return ignored(instance, 'not the awaited command', input);

  const step = definition.steps[instance.step]!;
  const compensating = instance.status === 'compensating';
  const cancel = !compensating && step.timeoutMs !== undefined && input.kind === 'reply';
  const base = { ...instance, awaiting: undefined };
  const history: HistoryEntry[] = [];
  let next: SagaInstance<Data>;
  let failure: Readonly<Record<string, unknown>> | undefined;

  if (input.kind === 'timeout') {
    history.push({ event: 'timed_out', step: instance.step, detail: { afterMs: step.timeoutMs } });
    next = base;
    failure = { reason: 'timeout' };
  } else {
    const { reply } = input;
    history.push({ event: 'replied', step: instance.step, detail: { messageId: input.messageId, ...reply } });
    const handler = compensating ? step.onCompensationReply : step.onReply;
    next = handler ? { ...base, data: handler(instance.data, reply) } : base;
    if (!reply.ok) failure = { code: reply.code, kind: reply.kind, reason: reply.reason };
  }

  const result = (() => {
    if (!failure) return execute(definition, next, history);
    if (compensating) {
      // A compensation refused: retrying would be refused again, so stop here for a person to look at.
      history.push({ event: 'failed', step: instance.step, detail: failure });
      return done<SagaInstance<Data>>({ ...next, status: 'failed' }, history);
    }
    history.push({ event: 'compensating', step: instance.step, detail: failure });
    // A refusal means the participant did nothing, so compensation starts at the step before. After a
    // timeout the action may still have happened (its reply would come late and be ignored), so the timed-out
    // step is compensated too: its participant handles the compensation after the action, both being sent
    // with the same key on the same channel.
    const from = input.kind === 'timeout' ? instance.step + 1 : instance.step;
    return execute(definition, { ...next, status: 'compensating', step: from }, history);
  })();
  return cancel ? { ...result, cancel: [timeoutIdOf(definition.name, instance.id, instance.step)] } : result;
}

/** Moves to the next step with an action for the current direction, and sends its command; or ends. */
function execute<Data>(
  definition: SagaDefinition<Data>,
  instance: SagaInstance<Data>,
  history: HistoryEntry[],
): Transition<SagaInstance<Data>> {
  const compensating = instance.status === 'compensating';
  const direction = compensating ? -1 : 1;
  for (
    let index = instance.step + direction;
    index >= 0 && index < definition.steps.length;
    index += direction
  ) {
    const step = definition.steps[index]!;
    const act = compensating ? step.compensation : step.action;
    if (!act) continue;
    const command = act(instance.data);
    const id = commandIdOf(definition.name, instance.id, index, compensating);
    history.push({
      event: 'sent',
      step: index,
      detail: { name: step.name, command: command.type, commandId: id, compensation: compensating },
    });
    const schedule: DeadlineToSchedule[] =
      !compensating && step.timeoutMs !== undefined
        ? [
            {
              id: timeoutIdOf(definition.name, instance.id, index),
              afterMs: step.timeoutMs,
              messageId: derivedId(id, -2),
              type: STEP_TIMED_OUT,
              data: { saga: definition.name, id: instance.id, step: index, command: command.type },
              causationId: id,
            },
          ]
        : [];
    return {
      instance: { ...instance, step: index, awaiting: id },
      commands: [
        {
          id,
          type: command.type,
          channel: command.channel,
          key: command.key,
          data: command.data,
          replyTo: definition.replyChannel,
          step: index,
        },
      ],
      schedule,
      cancel: [],
      history,
    };
  }
  const status: SagaStatus = compensating ? 'compensated' : 'completed';
  history.push({ event: status });
  return done({ ...instance, status }, history);
}

function done<I>(instance: I, history: HistoryEntry[]): Transition<I> {
  return { instance, commands: [], schedule: [], cancel: [], history };
}

function ignored<I extends { step: number }>(
  instance: I,
  reason: string,
  input?: { kind: string; causationId: string; messageId: string },
): Transition<I> {
  const detail = input
    ? { reason, input: input.kind, causationId: input.causationId, messageId: input.messageId }
    : { reason };
  return done(instance, [{ event: 'ignored', step: instance.step, detail }]);
}
