import type { SqlClient } from '../sql/index.js';
import type { Subscribed, Subscriber, Subscription } from './broker.js';
import type { Envelope } from './envelope.js';
import {
  type CommandHandlers,
  type CommandHandlingOptions,
  type MessageObserver,
  type MessageSchemas,
  observedHandler,
  onCommands,
  typesOf,
} from './handlers.js';

/** One consumer group of a module on one channel of another's contract. */
export interface GroupSubscription {
  readonly group: string;
  readonly subject: string;
  readonly handle: (message: Envelope) => Promise<void>;
  /** See `Subscription.gatherMs`. */
  readonly gatherMs?: number;
}

/**
 * Subscribes each group to its channel, in order. With `observed`, each handling's observer is told of the
 * message once its transaction has committed (how tests wait for an effect without polling).
 */
export async function subscribeGroups(
  broker: Subscriber,
  groups: readonly GroupSubscription[],
  observed?: { readonly db: Pick<SqlClient, 'afterCommit'>; readonly observer?: MessageObserver },
): Promise<Subscribed[]> {
  const subscribed: Subscribed[] = [];
  for (const { group, subject, handle, gatherMs } of groups) {
    // A handler of typed messages (`onMessages`) needs only those: the others are dropped unhandled anyway.
    const types = typesOf(handle);
    subscribed.push(
      await broker.subscribe({
        group,
        subjects: [subject],
        ...(gatherMs === undefined ? {} : { gatherMs }),
        ...(types === undefined ? {} : { types }),
        handle: observed ? observedHandler(observed.db, handle, observed.observer) : handle,
      }),
    );
  }
  return subscribed;
}

/**
 * The subscription of a module's command channel: its one group (shared by the module's instances) handles
 * each command with `onCommands`, replying on the command's replyTo in the handling's transaction.
 */
export function commandSubscription<Schemas extends MessageSchemas>(
  channel: { readonly group: string; readonly subject: string; readonly commands: Schemas },
  handlers: CommandHandlers<Schemas>,
  options: CommandHandlingOptions,
): Subscription {
  return {
    group: channel.group,
    subjects: [channel.subject],
    handle: onCommands(channel.commands, handlers, options),
  };
}
