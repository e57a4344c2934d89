import { derivedId, type Envelope } from '../messaging/envelope.js';
import type { AnyProcessManager, DeadlineReached, Reaction, SagaStatus, StepReply } from './definition.js';
import type { DeadlineToSchedule, HistoryEntry, OutgoingCommand, Transition } from './saga-core.js';
import { commandIdOf } from './saga-core.js';

/** The pure core of a process manager, as `sagaTransition` is of a saga. */

export interface ProcessInstance<State> {
  readonly saga: string;
  readonly id: string;
  /** Messages handled so far: numbers the commands and deadlines of each reaction. */
  readonly step: number;
  readonly status: Extract<SagaStatus, 'running' | 'completed'>;
  readonly data: State;
  /** Names of the deadlines it has pending, so that its end cancels them. */
  readonly deadlines: readonly string[];
}

export type ProcessInput =
  | { readonly kind: 'message'; readonly message: Envelope }
  | { readonly kind: 'deadline'; readonly messageId: string; readonly deadline: DeadlineReached }
  | { readonly kind: 'reply'; readonly messageId: string; readonly reply: StepReply };

export const DEADLINE_REACHED = 'sagas.DeadlineReached';

export const deadlineIdOf = (name: string, id: string, deadline: string) =>
  `${name}:${id}:deadline:${deadline}`;

/**
 * One reaction of a process manager to a message for instance `id`. A start message for an instance that
 * exists, and anything for an instance that does not (or has ended), is ignored and recorded.
 */
export function processTransition<State>(
  definition: AnyProcessManager,
  instance: ProcessInstance<State> | undefined,
  id: string,
  input: ProcessInput,
): Transition<ProcessInstance<State>> | undefined {
  const what = input.kind === 'message' ? input.message.type : input.kind;
  const messageId = input.kind === 'message' ? input.message.id : input.messageId;
  if (!instance) {
    const start = input.kind === 'message' ? definition.start[input.message.type] : undefined;
    if (!start || input.kind !== 'message') return undefined;
    const fresh: ProcessInstance<State> = {
      saga: definition.name,
      id,
      step: 0,
      status: 'running',
      data: undefined as State,
      deadlines: [],
    };
    return apply(definition, fresh, start(input.message) as Reaction<State>, [
      { event: 'started', step: 0, detail: { message: what, messageId } },
    ]);
  }
  const ignore = (reason: string): Transition<ProcessInstance<State>> => ({
    instance,
    commands: [],
    schedule: [],
    cancel: [],
    history: [{ event: 'ignored', step: instance.step, detail: { reason, message: what, messageId } }],
  });
  if (instance.status !== 'running') return ignore(`process is ${instance.status}`);
  const reaction = reactionTo(definition, instance.data, input);
  if (!reaction) {
    return input.kind === 'reply'
      ? {
          ...ignore('no reply handler'),
          history: [{ event: 'replied', step: instance.step, detail: { messageId, ...input.reply } }],
        }
      : ignore(input.kind === 'message' && definition.start[what] ? 'already started' : 'no handler');
  }
  const remaining =
    input.kind === 'deadline'
      ? instance.deadlines.filter((name) => name !== input.deadline.name)
      : instance.deadlines;
  return apply(
    definition,
    { ...instance, step: instance.step + 1, deadlines: remaining },
    reaction as Reaction<State>,
    [
      {
        event: input.kind === 'deadline' ? 'deadline' : input.kind === 'reply' ? 'replied' : 'handled',
        step: instance.step + 1,
        detail: { message: what, messageId },
      },
    ],
  );
}

function reactionTo<State>(
  definition: AnyProcessManager,
  state: State,
  input: ProcessInput,
): Reaction<State> | undefined {
  switch (input.kind) {
    case 'message':
      return definition.on[input.message.type]?.(state, input.message);
    case 'deadline':
      return definition.onDeadline?.[input.deadline.name]?.(state, input.deadline);
    case 'reply':
      return definition.onReply?.(state, input.reply);
  }
}

function apply<State>(
  definition: AnyProcessManager,
  instance: ProcessInstance<State>,
  reaction: Reaction<State>,
  history: HistoryEntry[],
): Transition<ProcessInstance<State>> {
  const { name } = definition;
  // Numbered by the step and their place in the reaction: a retried reaction derives the same ids.
  const commands: OutgoingCommand[] = (reaction.commands ?? []).map((command, index) => ({
    ...command,
    id: commandIdOf(name, instance.id, instance.step * 1000 + index, false),
    replyTo: definition.channel,
    step: instance.step,
  }));
  for (const command of commands) {
    history.push({
      event: 'sent',
      step: instance.step,
      detail: { command: command.type, commandId: command.id },
    });
  }
  const canceled = new Set(reaction.end ? instance.deadlines : (reaction.cancel ?? []));
  const schedule: DeadlineToSchedule[] = reaction.end
    ? []
    : (reaction.schedule ?? []).map((deadline) => ({
        id: deadlineIdOf(name, instance.id, deadline.name),
        afterMs: deadline.afterMs,
        messageId: derivedId(`${name}/${instance.id}/deadline/${deadline.name}`, instance.step),
        type: DEADLINE_REACHED,
        data: { saga: name, id: instance.id, name: deadline.name, data: deadline.data ?? null },
      }));
  const pending = new Set(instance.deadlines);
  for (const deadline of canceled) pending.delete(deadline);
  for (const deadline of reaction.schedule ?? []) if (!reaction.end) pending.add(deadline.name);
  if (reaction.end) history.push({ event: 'ended', step: instance.step });
  return {
    instance: {
      ...instance,
      data: reaction.state,
      status: reaction.end ? 'completed' : 'running',
      deadlines: [...pending],
    },
    commands,
    schedule,
    cancel: [...canceled]
      .filter((deadline) => instance.deadlines.includes(deadline))
      .map((deadline) => deadlineIdOf(name, instance.id, deadline)),
    history,
  };
}
