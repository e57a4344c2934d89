import type { Publisher } from './broker.js';
import { derivedId, type NewMessage, newEnvelope } from './envelope.js';

/**
 * Publishes a change's integration messages from `source`, in the ambient transaction: with the embedded
 * broker that is the outbox, so they exist if and only if the change commits. Nothing when there are none.
 * Each message keeps its own id: one derived from the recorded event it stands for is stable across retries.
 */
export async function publishMessages(
  publisher: Publisher,
  source: string,
  messages: readonly NewMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await publisher.publish(messages.map((message) => newEnvelope(source, message)));
}

/**
 * The messages of one save of a state-stored aggregate, at `savedVersion`. A save is one version of one row,
 * so `<key>@<version>` and a message's place among them name it for good: a retried save publishes the same
 * ids, which the broker and the receivers' inboxes drop.
 */
export function publishSaveMessages(
  publisher: Publisher,
  source: string,
  messages: readonly NewMessage[],
  savedVersion: number,
): Promise<void> {
  return publishMessages(
    publisher,
    source,
    messages.map((message, index) => ({
      ...message,
      id: derivedId(`${message.key}@${savedVersion}`, index),
    })),
  );
}
