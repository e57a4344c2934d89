import { randomUUID } from 'node:crypto';
import type { Envelope, Subscribed, Subscriber } from '../messaging/index.js';

/** What a test group received, in arrival order, and a way to wait for a message without sleeping. */
export interface MessageRecorder {
  readonly messages: readonly Envelope[];
  /** Resolves with the first message received (or to be received) that matches. */
  waitFor(match: (message: Envelope) => boolean): Promise<Envelope>;
  stop(): Promise<void>;
}

/**
 * Records every message a group of the test's own receives on `subjects`, from now on (a new group starts
 * with what is published after it subscribes): what a module published, checked as its consumers see it.
 */
export async function recordMessages(
  broker: Subscriber,
  subjects: readonly string[],
): Promise<MessageRecorder> {
  const messages: Envelope[] = [];
  const waiters = new Set<() => void>();
  const subscribed: Subscribed = await broker.subscribe({
    group: `test-recorder-${randomUUID().slice(0, 8)}`,
    subjects: [...subjects],
    async handle(message) {
      messages.push(message);
      for (const wake of [...waiters]) wake();
    },
  });
  return {
    messages,
    waitFor: (match) =>
      new Promise<Envelope>((resolve) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      }),
    stop: () => subscribed.stop(),
  };
}
