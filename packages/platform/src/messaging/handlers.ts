import { z } from 'zod';
import { DomainError, ERROR_KINDS, type ErrorKind } from '../ddd/errors.js';
import { inSpan } from '../observability/trace-context.js';
import type { Upcaster } from '../registry/index.js';
import type { SqlClient } from '../sql/index.js';
import type { Publisher } from './broker.js';
import { causedBy, type Envelope, envelopeSchema, newEnvelope, PoisonMessageError } from './envelope.js';

/** Message types and the schema of their data: a module's published contract. */
export type MessageSchemas = Readonly<Record<string, z.ZodType>>;

export type MessageHandler<Data> = (data: Data, message: Envelope<Data>) => Promise<void>;

export type MessageHandlers<Schemas extends MessageSchemas> = {
  readonly [Type in keyof Schemas]?: MessageHandler<z.infer<Schemas[Type]>>;
};

// Own properties only: a type such as `toString` must not find Object.prototype's.
const entry = <T>(record: Readonly<Record<string, T>>, type: string): T | undefined =>
  Object.hasOwn(record, type) ? record[type] : undefined;

/**
 * A message's data checked against its contract (for handlers `onMessages` does not build, such as a process
 * manager's); data that does not fit can never be handled: poison, naming the field.
 */
export function messageData<Schema extends z.ZodType>(schema: Schema, message: Envelope): z.infer<Schema> {
  const parsed = schema.safeParse(message.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = ['data', ...issue.path.map(String)].join('.');
  throw new PoisonMessageError(`${message.type}: ${issue.message}`, field);
}

/**
 * The schema versions of a contract's message types that changed shape: the version published now, and how
 * a consumer lifts each older one to the next (as stored events are upcast, ADR 0007). A type not listed is
 * at version 1.
 */
export type MessageVersions = Readonly<
  Record<string, { readonly version: number; readonly upcasters: Readonly<Record<number, Upcaster>> }>
>;

/**
 * A message's data at the version its consumer reads: messages published before a change of shape (still in
 * the stream, or from a producer not yet upgraded) are lifted step by step. A version the consumer cannot
 * lift is poison.
 */
function liftedData(message: Envelope, versions: MessageVersions | undefined): unknown {
  const current = versions && entry(versions, message.type);
  if (!current) return message.data;
  let data = message.data;
  for (let from = message.schemaVersion; from < current.version; from++) {
    const lift = entry(current.upcasters, String(from));
    if (!lift)
      throw new PoisonMessageError(`${message.type}: no upcaster from version ${from}`, 'schemaVersion');
    try {
      data = lift(data);
    } catch (error) {
      throw new PoisonMessageError(`${message.type} v${from}: ${(error as Error).message}`, 'data');
    }
  }
  return data;
}

/**
 * A subscription's `handle` for typed messages: each type with a handler gets its data lifted to the version
 * the consumer reads (`versions`, from the publisher's contract) and checked against the contract (a mismatch
 * is a poison message: dead-lettered at once), then its handler. Types without a handler are acknowledged
 * and dropped, so a publisher may add types without breaking its consumers.
 */
export function onMessages<Schemas extends MessageSchemas>(
  schemas: Schemas,
  handlers: MessageHandlers<Schemas>,
  options: { readonly versions?: MessageVersions } = {},
): TypedHandler {
  const handle = async (message: Envelope) => {
    const handler = entry(handlers as Record<string, MessageHandler<unknown> | undefined>, message.type);
    const schema = entry(schemas, message.type);
    if (!handler || !schema) return;
    const lifted = { ...message, data: liftedData(message, options.versions) };
    await handler(messageData(schema, lifted), lifted);
  };
  const types = Object.keys(handlers).filter(
    (type) => entry(handlers as Record<string, unknown>, type) && entry(schemas, type),
  );
  return Object.assign(handle, { types });
}

/**
 * A handler for one message that says which types it does something with (`onMessages`): a subscription of it
 * can leave the others undelivered (`Subscription.types`).
 */
export type TypedHandler = ((message: Envelope) => Promise<void>) & { readonly types: readonly string[] };

/** The types a handler says it handles, if it says (`TypedHandler`). */
export function typesOf(handle: (message: Envelope) => Promise<void>): readonly string[] | undefined {
  const { types } = handle as Partial<TypedHandler>;
  return Array.isArray(types) ? types : undefined;
}

/** Replies to commands: one generic success and one generic failure for every command (ADR 0009). */
export const SUCCESS_REPLY = 'reply.Success';
export const FAILURE_REPLY = 'reply.Failure';

export interface SuccessReply {
  readonly command: string;
  /** What the handler returned, when it returns something (an id it created, say). */
  readonly result?: unknown;
}

export interface FailureReply {
  readonly command: string;
  readonly kind: ErrorKind;
  /** The rule that was broken, as in a problem+json body. */
  readonly code: string;
  readonly reason: string;
}

/** The replies' data, for `onMessages` on a reply channel (and for its AsyncAPI contract). */
export const replySchemas = {
  [SUCCESS_REPLY]: z.strictObject({ command: z.string(), result: z.unknown().optional() }),
  [FAILURE_REPLY]: z.strictObject({
    command: z.string(),
    kind: z.enum(ERROR_KINDS),
    code: z.string(),
    reason: z.string(),
  }),
} as const;

export type Reply =
  | (Envelope<SuccessReply> & { readonly type: typeof SUCCESS_REPLY })
  | (Envelope<FailureReply> & { readonly type: typeof FAILURE_REPLY });

export type CommandHandler<Data> = (data: Data, command: Envelope<Data>) => Promise<unknown>;

export type CommandHandlers<Schemas extends MessageSchemas> = {
  readonly [Type in keyof Schemas]: CommandHandler<z.infer<Schemas[Type]>>;
};

export interface CommandHandlingOptions {
  /** Where the replies go: the broker, so that they join the handling's transaction. */
  readonly publisher: Publisher;
  /** The module that replies (the replies' `source`). */
  readonly source: string;
  /**
   * The database the handlers write to (both brokers run each handling in a transaction of theirs). A
   * rejection then rolls the handler's writes back to a savepoint, and only the Failure reply commits.
   * Without it, a handler must reject before it writes.
   */
  readonly db?: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'>;
}

/**
 * Kinds that say "try again", not "no": a concurrency conflict goes away once the handler reloads, and an
 * internal error is ours, not the sender's. They are retried like any other technical failure.
 */
const RETRIED_KINDS: ReadonlySet<ErrorKind> = new Set(['conflict', 'internal']);

const isRejection = (error: unknown): error is DomainError =>
  error instanceof DomainError && !RETRIED_KINDS.has(error.kind);

const replySubject = envelopeSchema.shape.subject;

/**
 * A subscription's `handle` for a command channel. The handler's outcome is replied on the command's
 * `replyTo`, through `publisher` and so in the handling's transaction: a success with what the handler
 * returned, or, when it throws a DomainError (a business rejection), a failure naming the rule. A rejection
 * is a normal outcome: it is acknowledged, never retried. Any other error is retried and then dead-lettered,
 * with no reply. A command that can never be handled (unknown type, no or bad replyTo, data off contract) is
 * poison: dead-lettered at once. The reply's id derives from the command's, so a command handled twice
 * replies with the same message, which the broker stores once.
 */
export function onCommands<Schemas extends MessageSchemas>(
  schemas: Schemas,
  handlers: CommandHandlers<Schemas>,
  options: CommandHandlingOptions,
): (message: Envelope) => Promise<void> {
  return async (command) => {
    const schema = entry(schemas, command.type);
    const handler = entry(handlers as Record<string, CommandHandler<unknown> | undefined>, command.type);
    if (!schema || !handler)
      throw new PoisonMessageError(`no handler for the command ${command.type}`, 'type');
    if (!command.replyTo) throw new PoisonMessageError('a command needs a replyTo', 'replyTo');
    // Checked before the handler runs: a reply that cannot be published would fail every attempt.
    if (!replySubject.safeParse(command.replyTo).success) {
      throw new PoisonMessageError('must be a subject (dot-separated tokens)', 'replyTo');
    }
    const data = messageData(schema, command);
    const outcome = await commandSpan(command, options.source, () =>
      rejectable(() => handler(data, command), options.db),
    );
    const reply = outcome.rejected
      ? replyTo(command, options.source, FAILURE_REPLY, {
          command: command.type,
          kind: outcome.rejected.kind,
          code: outcome.rejected.code,
          reason: outcome.rejected.message,
        } satisfies FailureReply)
      : replyTo(command, options.source, SUCCESS_REPLY, {
          command: command.type,
          ...(outcome.result === undefined ? {} : { result: outcome.result }),
        } satisfies SuccessReply);
    await options.publisher.publish([reply]);
  };
}

/**
 * Handling a command as a span `command <Name>` (ADR 0045), a child of the consumer span: a rejection is an
 * outcome (the span says which rule), anything thrown an error.
 */
function commandSpan<T extends { rejected?: DomainError }>(
  command: Envelope,
  module: string,
  work: () => Promise<T>,
): Promise<T> {
  return inSpan(
    'command',
    {
      describe: (span) => {
        span.updateName(`command ${command.type.slice(command.type.indexOf('.') + 1)}`);
        span.setAttributes({
          'tessera.module': module,
          'tessera.command': command.type,
          'tessera.aggregate.id': command.key,
        });
      },
    },
    async (span) => {
      const outcome = await work();
      if (outcome.rejected && span.isRecording())
        span.setAttributes({
          'tessera.command.outcome': 'rejected',
          'tessera.command.rejection': outcome.rejected.code,
        });
      return outcome;
    },
  );
}

const SAVEPOINT = 'tessera_command_handler';

/**
 * Runs the handler; a rejection is returned, anything else thrown. Inside a transaction of `db`, a
 * rejection first undoes what the handler wrote (and clears a statement error PostgreSQL would otherwise
 * keep the transaction aborted for). Its after-commit callbacks cannot be taken back: register them last.
 */
async function rejectable(
  work: () => Promise<unknown>,
  db: CommandHandlingOptions['db'],
): Promise<{ result: unknown; rejected?: undefined } | { rejected: DomainError }> {
  const transaction = db?.inTransaction() ? db : undefined;
  // Sent with the handler's first statement: one round trip less per command.
  await transaction?.beforeNext(`SAVEPOINT ${SAVEPOINT}`);
  let result: unknown;
  try {
    result = await work();
  } catch (error) {
    if (!isRejection(error)) throw error;
    await transaction?.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    return { rejected: error };
  }
  // No RELEASE (a round trip): COMMIT keeps the savepoint's work with the rest, and a later handling in the
  // same transaction rolls back to its own, newer savepoint of that name.
  return { result };
}

function replyTo(command: Envelope, source: string, type: string, data: unknown): Envelope {
  // Index -1: the reply never collides with the messages the handler itself derived from the command.
  return causedBy(command, source, -1, { type, subject: command.replyTo!, key: command.key, data });
}

/** Tells a reply from anything else on a reply channel. */
export function isReply(message: Envelope): message is Reply {
  return message.type === SUCCESS_REPLY || message.type === FAILURE_REPLY;
}

/**
 * A command to send: on `channel`, answered on `replyTo`. With `cause` it continues that conversation (and
 * its id derives from the cause and `index`); without, it starts one.
 */
export function command<Data>(
  source: string,
  message: { type: string; channel: string; key: string; data: Data; replyTo: string },
  cause?: { message: Envelope; index: number },
): Envelope<Data> {
  const next = { type: message.type, subject: message.channel, key: message.key, data: message.data };
  return cause
    ? causedBy(cause.message, source, cause.index, { ...next, replyTo: message.replyTo })
    : newEnvelope(source, { ...next, replyTo: message.replyTo });
}

/**
 * Told, once its transaction has committed, of each message a subscription handled (applied, or dropped as
 * irrelevant): how tests and metrics wait for a subscription's effect without polling.
 */
export type MessageObserver = (message: Envelope) => void;

/** `handle`, then, once its transaction has committed, `observer` told of the message. */
export function observedHandler(
  db: Pick<SqlClient, 'afterCommit'>,
  handle: (message: Envelope) => Promise<void>,
  observer: MessageObserver | undefined,
): (message: Envelope) => Promise<void> {
  if (!observer) return handle;
  return async (message) => {
    await handle(message);
    await db.afterCommit(() => observer(message));
  };
}
