import { randomUUID } from 'node:crypto';
import { type Broker, command, type Envelope, isReply, type Reply } from '@tessera/platform/messaging';

/**
 * Every message a test group receives on some subjects, in arrival order, and a way to wait for one: no
 * sleeping, the promise resolves on the delivery that satisfies it. (Payments' and Depot's tests share it; a
 * platform testing helper would serve every module's.)
 */
export interface Recorder {
  readonly messages: Envelope[];
  waitFor(match: (message: Envelope) => boolean): Promise<Envelope>;
  /** The reply to the command with this id (messages the handling published are caused by it too). */
  replyTo(commandId: string): Promise<Reply>;
  /** The replies to the command with this id received so far. */
  repliesTo(commandId: string): Reply[];
}

export async function recordMessages(broker: Broker, subjects: readonly string[]): Promise<Recorder> {
  const messages: Envelope[] = [];
  const waiters = new Set<() => void>();
  await broker.subscribe({
    group: `test-${randomUUID().slice(0, 8)}`,
    subjects,
    async handle(message) {
      messages.push(message);
      for (const wake of [...waiters]) wake();
    },
  });
  const waitFor = (match: (message: Envelope) => boolean) =>
    new Promise<Envelope>((resolve) => {
      const check = () => {
        const found = messages.find(match);
        if (found) {
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  return {
    messages,
    waitFor,
    replyTo: async (commandId) => (await waitFor((m) => isReply(m) && m.causationId === commandId)) as Reply,
    repliesTo: (commandId) => messages.filter((m): m is Reply => isReply(m) && m.causationId === commandId),
  };
}

/** A reply channel of the test's own (a subject token per run, so runs never see each other's replies). */
export const testReplyChannel = () => `mallbots.tests.replies.${randomUUID().slice(0, 8)}`;

/** Sends a command as the create-order saga does: keyed by its order, answered on `replyTo`. */
export async function sendCommand(
  broker: Broker,
  message: { type: string; channel: string; data: unknown; replyTo: string; key?: string },
): Promise<Envelope> {
  const sent = command('cosec', { ...message, key: message.key ?? randomUUID() });
  await broker.publish([sent]);
  return sent;
}
