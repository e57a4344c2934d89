import { z } from 'zod';
import {
  type Broker,
  type Envelope,
  isReply,
  newEnvelope,
  PoisonMessageError,
  replySchemas,
  SUCCESS_REPLY,
  type Subscribed,
} from '../messaging/index.js';
import type { Logger } from '../observability/index.js';
import type { Clock, Deadlines } from '../scheduling/ports.js';
import type { SqlClient } from '../sql/index.js';
import {
  type AnyProcessManager,
  type AnySaga,
  type Definition,
  groupOf,
  type SagaDefinition,
  type StepReply,
} from './definition.js';
import { sagaTransitions } from './metrics.js';
import { DEADLINE_REACHED, type ProcessInput, processTransition } from './process-core.js';
import {
  type HistoryEntry,
  type SagaInput,
  STEP_TIMED_OUT,
  sagaTransition,
  type Transition,
} from './saga-core.js';
import { processMoveSpan, type SagaMove, sagaMoveSpan, stepSpan } from './spans.js';
import { type StoredInstance, sagaStore } from './store.js';

/** One committed move of an instance, as an observer is told of it. */
export interface SagaObservation {
  readonly saga: string;
  readonly id: string;
  readonly status: StoredInstance['status'];
  /** What the move recorded in the instance's history (`started`, `sent`, `ignored`, `ended`…). */
  readonly history: readonly HistoryEntry[];
}

export interface SagaCoordinatorOptions {
  /** The database of the sagas' schema (`sagaMigrations`), the broker's and the deadlines'. */
  readonly db: SqlClient;
  /** Where `sagaMigrations(schema)` put the tables. Default 'sagas'. */
  readonly schema?: string;
  readonly broker: Pick<Broker, 'publish' | 'subscribe'>;
  /** Where steps' timeouts and process managers' deadlines are kept. */
  readonly deadlines: Deadlines;
  readonly clock?: Clock;
  readonly logger?: Pick<Logger, 'info' | 'error' | 'debug'>;
  /** The `source` of the commands it sends. Default 'sagas'. */
  readonly source?: string;
  /** Passed to the subscriptions: attempts before a reply the coordinator cannot handle is dead-lettered. */
  readonly maxAttempts?: number;
  readonly backoff?: (attempt: number) => number;
  /** Told of each move once it has committed (how tests wait for an instance without polling). */
  readonly observer?: (observation: SagaObservation) => void;
}

export interface SagaCoordinator {
  /**
   * Starts an instance: call it in the handling transaction of its trigger, so that the instance, its first
   * command and the trigger's ack commit together. Resolves to false, doing nothing, when `id` exists already.
   */
  start<Data>(saga: SagaDefinition<Data>, id: string, data: Data): Promise<boolean>;
  /** Stops taking replies and messages (the instances stay in the database). */
  stop(): Promise<void>;
}

const stepTimedOut = z.object({ saga: z.string(), id: z.string(), step: z.number().int() });
const deadlineReached = z.object({ saga: z.string(), id: z.string(), name: z.string(), data: z.unknown() });

/** A reply's data as a step sees it; data off the reply contract is poison. */
function stepReplyOf(message: Envelope): StepReply {
  const parsed = replySchemas[message.type as keyof typeof replySchemas].safeParse(message.data);
  if (!parsed.success)
    throw new PoisonMessageError(`${message.type}: ${parsed.error.issues[0]!.message}`, 'data');
  return message.type === SUCCESS_REPLY
    ? { ok: true, ...(parsed.data as { command: string; result?: unknown }) }
    : { ok: false, ...(parsed.data as Omit<Extract<StepReply, { ok: false }>, 'ok'>) };
}

const noLogger = { info() {}, error() {}, debug() {} };

/** A move's outcome on its span: the instance's status, or `ignored` when the move changed nothing. */
const outcomeOf = (transition: Transition<{ status: string }>) =>
  transition.history.every((entry) => entry.event === 'ignored') ? 'ignored' : transition.instance.status;

/**
 * Runs sagas and process managers (ADR 0012). It keeps nothing in memory between messages: each reply,
 * timeout or event loads its instance (locked), applies the pure core, and writes the new state, the history,
 * the commands (through the broker's outbox) and the deadlines in the handling's transaction.
 */
export async function startSagaCoordinator(
  options: SagaCoordinatorOptions,
  definitions: readonly Definition[],
): Promise<SagaCoordinator> {
  const { db, broker, deadlines } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const logger = options.logger ?? noLogger;
  const source = options.source ?? 'sagas';
  const store = sagaStore(db, options.schema);
  const names = new Set<string>();
  for (const definition of definitions) {
    if (names.has(definition.name)) throw new Error(`two definitions are named ${definition.name}`);
    names.add(definition.name);
  }

  /** Writes a transition; false when it was a start of an instance that exists. */
  async function persist(
    definition: Definition,
    before: StoredInstance | undefined,
    transition: Transition<{
      id: string;
      step: number;
      status: StoredInstance['status'];
      data: unknown;
      awaiting?: string;
      deadlines?: readonly string[];
    }>,
    /** A saga's reply or timeout: the step it runs gets its own span (a start's span is its step's). */
    stepSpans = false,
  ): Promise<boolean> {
    const now = clock.now();
    const { instance } = transition;
    const { id } = instance;
    const next = { ...instance, deadlines: instance.deadlines ?? [] };
    // An ignored message leaves the instance as it was: only the history says it came.
    if (before) {
      if ((instance as unknown) !== before) await store.update(before, next, now);
    } else if (!(await store.insert(definition.name, id, next, now))) return false;
    await store.record(definition.name, id, transition.history, now);
    await store.sent(definition.name, id, transition.commands, now);
    const sendAndSchedule = () => sendAndScheduleOf(definition, id, transition, now);
    await (stepSpans && definition.kind === 'saga'
      ? stepSpan(definition, id, transition.history, sendAndSchedule)
      : sendAndSchedule());
    await db.afterCommit(() => {
      for (const entry of transition.history) {
        sagaTransitions.inc({ saga: definition.name, event: entry.event });
        const fields = {
          saga: definition.name,
          sagaId: id,
          step: entry.step,
          event: entry.event,
          ...entry.detail,
        };
        if (entry.event === 'failed')
          logger.error(fields, 'saga failed while compensating: needs an operator');
        else if (entry.event === 'ignored') logger.debug(fields, `saga ${entry.event}`);
        else logger.info(fields, `saga ${entry.event}`);
      }
      options.observer?.({
        saga: definition.name,
        id,
        status: instance.status,
        history: transition.history,
      });
    });
    return true;
  }

  /** What a move sends (its commands, through the outbox) and schedules or cancels (its step's timeout). */
  async function sendAndScheduleOf(
    definition: Definition,
    id: string,
    transition: Pick<Transition<unknown>, 'commands' | 'cancel' | 'schedule'>,
    now: Date,
  ): Promise<void> {
    if (transition.commands.length > 0) {
      await broker.publish(
        transition.commands.map((command) =>
          newEnvelope(
            source,
            {
              id: command.id,
              type: command.type,
              subject: command.channel,
              key: command.key,
              data: command.data,
              replyTo: command.replyTo,
            },
            { now },
          ),
        ),
      );
    }
    const channel = definition.kind === 'saga' ? definition.replyChannel : definition.channel;
    // With the COMMIT (ADR 0051): only this instance's moves name its timeouts, and each move is one
    // transaction, so nothing else in it touches them.
    await deadlines.reschedule({
      cancel: transition.cancel,
      schedule: transition.schedule.map((deadline) => {
        const envelope = newEnvelope(
          source,
          { id: deadline.messageId, type: deadline.type, subject: channel, key: id, data: deadline.data },
          { now },
        );
        return {
          id: deadline.id,
          at: new Date(now.getTime() + deadline.afterMs),
          envelope: deadline.causationId ? { ...envelope, causationId: deadline.causationId } : envelope,
        };
      }),
    });
  }

  async function onSagaMessage(saga: AnySaga, message: Envelope): Promise<void> {
    let input: SagaInput<unknown>;
    if (isReply(message)) {
      input = {
        kind: 'reply',
        causationId: message.causationId ?? '',
        messageId: message.id,
        reply: stepReplyOf(message),
      };
    } else if (message.type === STEP_TIMED_OUT && stepTimedOut.safeParse(message.data).success) {
      input = { kind: 'timeout', causationId: message.causationId ?? '', messageId: message.id };
    } else return;
    // Undefined for another saga's reply on a shared channel, or an answer to nothing we sent.
    const before = input.causationId ? await store.loadSender(saga.name, input.causationId) : undefined;
    if (!before) return;
    const move: SagaMove =
      input.kind === 'reply'
        ? { kind: 'reply', type: message.type, step: before.step }
        : { kind: 'timeout', step: before.step };
    await sagaMoveSpan(saga, before.id, move, async () => {
      const transition = sagaTransition(saga, before, input);
      await persist(saga, before, transition, true);
      return { outcome: outcomeOf(transition) };
    });
  }

  async function onProcessMessage(process: AnyProcessManager, message: Envelope): Promise<void> {
    let id: string | undefined;
    let input: ProcessInput;
    if (message.type === DEADLINE_REACHED) {
      const parsed = deadlineReached.safeParse(message.data);
      if (!parsed.success || parsed.data.saga !== process.name) return;
      id = parsed.data.id;
      input = {
        kind: 'deadline',
        messageId: message.id,
        deadline: { name: parsed.data.name, data: parsed.data.data },
      };
    } else if (isReply(message)) {
      const sender = message.causationId ? await store.senderOf(message.causationId) : undefined;
      if (!sender || sender.saga !== process.name) return;
      id = sender.id;
      input = { kind: 'reply', messageId: message.id, reply: stepReplyOf(message) };
    } else {
      id = process.correlate(message);
      input = { kind: 'message', message };
    }
    if (id === undefined) return;
    const instance = id;
    // What moved the instance, as a span in the trace of the message that did (ADR 0045): the commands it
    // sends and the deadlines it schedules are its children.
    await processMoveSpan(process, instance, input, async () => {
      const before = await store.load(process.name, instance);
      const transition = processTransition(process, before as never, instance, input);
      if (!transition) return { outcome: 'ignored' };
      // Two start messages raced (different keys): retry this one, which then finds the instance.
      if (!(await persist(process, before, transition)))
        throw new Error(`${process.name} ${instance} started concurrently`);
      const ignored = transition.history.every((entry) => entry.event === 'ignored');
      return { outcome: ignored ? 'ignored' : transition.instance.status };
    });
  }

  const subscriptions: Subscribed[] = [];
  const common = {
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  };
  try {
    for (const definition of definitions) {
      subscriptions.push(
        await broker.subscribe(
          definition.kind === 'saga'
            ? {
                group: groupOf(definition.name),
                subjects: [definition.replyChannel],
                handle: (message) => onSagaMessage(definition, message),
                ...common,
              }
            : {
                group: groupOf(definition.name),
                subjects: [...new Set([...definition.subscribesTo, definition.channel])],
                handle: (message) => onProcessMessage(definition, message),
                ...common,
              },
        ),
      );
    }
  } catch (error) {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    throw error;
  }

  return {
    async start(saga, id, data) {
      if (!names.has(saga.name)) throw new Error(`saga ${saga.name} is not run by this coordinator`);
      return db.transaction(async () => {
        // Cheap check first: a redelivered trigger must not run the first action again.
        if (await store.load(saga.name, id)) return false;
        const { started } = await sagaMoveSpan(saga, id, { kind: 'start' }, async () => {
          const transition = sagaTransition(saga, undefined, { kind: 'start', id, data });
          return { started: await persist(saga, undefined, transition), outcome: outcomeOf(transition) };
        });
        return started;
      });
    },
    async stop() {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    },
  };
}
