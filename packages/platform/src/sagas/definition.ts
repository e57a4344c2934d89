import type { ErrorKind } from '../ddd/errors.js';
import { checkName } from '../messaging/broker.js';
import { envelopeSchema } from '../messaging/envelope.js';
import type { Envelope } from '../messaging/index.js';

/** A command a saga or a process manager sends; the coordinator makes it an envelope with a stable id. */
export interface SagaCommand {
  readonly type: string;
  readonly channel: string;
  /** The participant's ordering key (usually the aggregate the command is about). */
  readonly key: string;
  readonly data: unknown;
}

/** A participant's answer as a step sees it: the generic replies of ADR 0009. */
export type StepReply =
  | { readonly ok: true; readonly command: string; readonly result?: unknown }
  | {
      readonly ok: false;
      readonly command: string;
      readonly kind: ErrorKind;
      readonly code: string;
      readonly reason: string;
    };

export interface SagaStep<Data> {
  /** For history, logs and the admin routes, e.g. `authorizeCustomer`. */
  readonly name: string;
  /** The command of the forward direction; a step without one is skipped going forward. */
  readonly action?: (data: Data) => SagaCommand;
  /** Runs on the action's reply, success or failure, before the saga moves on; returns the new data. */
  readonly onReply?: (data: Data, reply: StepReply) => Data;
  /** The command that undoes the step; a step without one is skipped while compensating. */
  readonly compensation?: (data: Data) => SagaCommand;
  readonly onCompensationReply?: (data: Data, reply: StepReply) => Data;
  /**
   * How long the action may wait for its reply, in ms; past it the step fails and compensation starts WITH
   * this step's own compensation, since the action may have happened anyway (its late reply is ignored).
   * So a compensation must be safe when its action never happened (a no-op then), and its command must use
   * the action's channel and key: the participant, handling one key in order, then sees the action before
   * the compensation. A compensation has no timeout: it must eventually succeed, and one stuck shows as
   * `compensating` (and as the participant's dead letter).
   */
  readonly timeoutMs?: number;
}

export interface SagaDefinition<Data> {
  readonly kind: 'saga';
  /** e.g. `cosec.CreateOrder`; also names the consumer group (dots become dashes). */
  readonly name: string;
  /** Where participants reply and where the steps' timeouts arrive. */
  readonly replyChannel: string;
  readonly steps: readonly SagaStep<Data>[];
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*$/;
const subject = envelopeSchema.shape.subject;

function checkDefinitionName(name: string): void {
  if (!NAME.test(name)) throw new Error(`saga name "${name}" must be dot-separated words`);
  checkName('saga group', groupOf(name));
}

function checkChannel(channel: string, what: string): void {
  if (!subject.safeParse(channel).success) throw new Error(`${what} "${channel}" is not a subject`);
}

/** The consumer group the coordinator subscribes a saga or a process manager with. */
export const groupOf = (name: string) => `saga-${name.replaceAll('.', '-')}`;

/**
 * An orchestrated saga (spec 4.8): ordered steps, each with an optional action, compensation and reply
 * handlers. Forward it runs each action in turn; on a failure it compensates from the step before the
 * failed one back to the first; on a timeout, from the timed-out step itself (its action may have happened).
 */
export function defineSaga<Data>(definition: Omit<SagaDefinition<Data>, 'kind'>): SagaDefinition<Data> {
  checkDefinitionName(definition.name);
  checkChannel(definition.replyChannel, 'reply channel');
  if (definition.steps.length === 0) throw new Error(`saga ${definition.name} has no steps`);
  if (!definition.steps.some((step) => step.action)) {
    throw new Error(`saga ${definition.name} has no step with an action`);
  }
  const names = new Set(definition.steps.map((step) => step.name));
  if (names.size !== definition.steps.length) throw new Error(`saga ${definition.name}: step names repeat`);
  return { kind: 'saga', ...definition };
}

/** A timer a process manager asks for: `name` is unique within an instance, scheduling it again replaces it. */
export interface DeadlineRequest {
  readonly name: string;
  readonly afterMs: number;
  readonly data?: unknown;
}

/** What a process manager decides on a message: its next state, what to send, its timers, whether it is done. */
export interface Reaction<State> {
  readonly state: State;
  readonly commands?: readonly SagaCommand[];
  readonly schedule?: readonly DeadlineRequest[];
  readonly cancel?: readonly string[];
  /** The instance is over: it ignores later messages and its pending deadlines are canceled. */
  readonly end?: boolean;
}

/** A due deadline, as a process manager's handler receives it. */
export interface DeadlineReached {
  readonly name: string;
  readonly data?: unknown;
}

/**
 * A process manager: event-driven, one instance per correlation id taken from each message, with state,
 * messages that start it, handlers that react, deadlines, and an end. Handlers are pure.
 */
export interface ProcessManagerDefinition<State> {
  readonly kind: 'process';
  readonly name: string;
  /** The subjects it listens to (patterns as in a subscription). */
  readonly subscribesTo: readonly string[];
  /** Where its deadlines arrive and the replies to its commands go. */
  readonly channel: string;
  /** The instance a message belongs to, or undefined when it concerns no instance. */
  readonly correlate: (message: Envelope) => string | undefined;
  /** Message types that start an instance, and how. A type not listed here only reaches a running instance. */
  readonly start: Readonly<Record<string, (message: Envelope) => Reaction<State>>>;
  /** How a running instance reacts, by message type; other types are ignored. */
  readonly on: Readonly<Record<string, (state: State, message: Envelope) => Reaction<State>>>;
  /** How it reacts to its own deadlines, by name. */
  readonly onDeadline?: Readonly<
    Record<string, (state: State, deadline: DeadlineReached) => Reaction<State>>
  >;
  /** How it reacts to the replies to its commands; without it replies are only recorded in the history. */
  readonly onReply?: (state: State, reply: StepReply) => Reaction<State>;
}

export function defineProcessManager<State>(
  definition: Omit<ProcessManagerDefinition<State>, 'kind'>,
): ProcessManagerDefinition<State> {
  checkDefinitionName(definition.name);
  checkChannel(definition.channel, 'channel');
  if (Object.keys(definition.start).length === 0) {
    throw new Error(`process manager ${definition.name} has no start message`);
  }
  return { kind: 'process', ...definition };
}

// biome-ignore lint/suspicious/noExplicitAny: a coordinator runs definitions of any data
export type AnySaga = SagaDefinition<any>;
// biome-ignore lint/suspicious/noExplicitAny: a coordinator runs definitions of any state
export type AnyProcessManager = ProcessManagerDefinition<any>;
export type Definition = AnySaga | AnyProcessManager;

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated' | 'failed';

export const TERMINAL: ReadonlySet<SagaStatus> = new Set(['completed', 'compensated', 'failed']);
