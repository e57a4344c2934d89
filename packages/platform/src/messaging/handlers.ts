import type { z } from 'zod';
import { DomainError, type ErrorKind } from '../ddd/errors.js';
import type { Publisher } from './broker.js';
import { causedBy, type Envelope, newEnvelope, PoisonMessageError } from './envelope.js';

/** Message types and the schema of their data: a module's published contract. */
export type MessageSchemas = Readonly<Record<string, z.ZodType>>;

export type MessageHandler<Data> = (data: Data, message: Envelope<Data>) => Promise<void>;

export type MessageHandlers<Schemas extends MessageSchemas> = {
  readonly [Type in keyof Schemas]?: MessageHandler<z.infer<Schemas[Type]>>;
};

/** Checks a message's data against its contract; data that does not fit can never be handled: poison. */
function dataOf(schema: z.ZodType, message: Envelope): unknown {
  const parsed = schema.safeParse(message.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = ['data', ...issue.path.map(String)].join('.');
  throw new PoisonMessageError(`${message.type}: ${issue.message}`, field);
}

/**
 * A subscription's `handle` for typed messages: each type with a handler gets its data checked against the
 * contract (a mismatch is a poison message: dead-lettered at once), then its handler. Types without a
 * handler are acknowledged and dropped, so a publisher may add types without breaking its consumers.
 */
export function onMessages<Schemas extends MessageSchemas>(
  schemas: Schemas,
  handlers: MessageHandlers<Schemas>,
): (message: Envelope) => Promise<void> {
  return async (message) => {
    const handler = handlers[message.type] as MessageHandler<unknown> | undefined;
    const schema = schemas[message.type];
    if (!handler || !schema) return;
    await handler(dataOf(schema, message), message);
  };
}

/** Replies to commands: one generic success and one generic failure for every command. */
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

export type Reply =
  | (Envelope<SuccessReply> & { readonly type: typeof SUCCESS_REPLY })
  | (Envelope<FailureReply> & { readonly type: typeof FAILURE_REPLY });

export type CommandHandler<Data> = (data: Data, command: Envelope<Data>) => Promise<unknown>;

export type CommandHandlers<Schemas extends MessageSchemas> = {
  readonly [Type in keyof Schemas]: CommandHandler<z.infer<Schemas[Type]>>;
};

/**
 * A subscription's `handle` for a command channel. The handler's outcome is replied on the command's
 * `replyTo`, through `publisher` and so in the handling's transaction: a success with what the handler
 * returned, or, when it throws a DomainError (a business rejection), a failure naming the rule. A rejection
 * is a normal outcome: it is acknowledged, never retried. Any other error is retried and then dead-lettered.
 * The reply's id derives from the command's, so a retried handling replies with the same message.
 */
export function onCommands<Schemas extends MessageSchemas>(
  schemas: Schemas,
  handlers: CommandHandlers<Schemas>,
  options: { publisher: Publisher; source: string },
): (message: Envelope) => Promise<void> {
  return async (command) => {
    const schema = schemas[command.type];
    const handler = handlers[command.type] as CommandHandler<unknown> | undefined;
    if (!schema || !handler) throw new PoisonMessageError(`no handler for the command ${command.type}`);
    if (!command.replyTo) throw new PoisonMessageError('a command needs a replyTo', 'replyTo');
    const data = dataOf(schema, command);
    let reply: Envelope;
    try {
      const result = await handler(data, command);
      const success: SuccessReply = { command: command.type, ...(result === undefined ? {} : { result }) };
      reply = replyTo(command, options.source, SUCCESS_REPLY, success);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const failure: FailureReply = {
        command: command.type,
        kind: error.kind,
        code: error.code,
        reason: error.message,
      };
      reply = replyTo(command, options.source, FAILURE_REPLY, failure);
    }
    await options.publisher.publish([reply]);
  };
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
