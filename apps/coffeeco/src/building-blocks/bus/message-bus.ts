import type { DomainEvent } from '../events/envelope.js';

/**
 * The message bus port (BUS-T1, BUS-T2): publish to a topic, subscribe to a pattern. The brokers the book
 * compares (Kafka, RabbitMQ, NATS) all fit it; CoffeeCo's modules use the platform's broker, with the same two
 * verbs.
 */
export type Delivery = 'at-most-once' | 'at-least-once';
export type Unsubscribe = () => void;
export type MessageHandler = (message: DomainEvent) => Promise<void>;

export interface MessageBus {
  publish(topic: string, msg: DomainEvent): Promise<void>;
  /** NATS-style patterns: `*` is exactly one token, `>` (last) is one or more tokens. */
  subscribe(pattern: string, handler: MessageHandler): Unsubscribe;
}

const TOKEN = /^[^.*>\s]+$/;

/** Whether a NATS-style `pattern` matches `topic`: `purchase.*` matches `purchase.failed`, not `purchase.card.failed`; `purchase.>` both. */
export function matches(pattern: string, topic: string): boolean {
  const want = pattern.split('.');
  const have = topic.split('.');
  if (!have.every((token) => TOKEN.test(token))) throw new RangeError(`${topic} is not a topic`);
  for (let i = 0; i < want.length; i++) {
    const token = want[i]!;
    if (token === '>') {
      if (i !== want.length - 1) throw new RangeError(`'>' must be the last token of ${pattern}`);
      return have.length > i;
    }
    if (i >= have.length) return false;
    if (token !== '*' && token !== have[i]) return false;
  }
  return want.length === have.length;
}

/** Test controls: what goes wrong, on demand (BUS-T1, and the harness of Part C). */
export interface BusFaults {
  /** At-most-once only: lose this delivery (the message never reaches the handler, and is never sent again). */
  drop?(topic: string, msg: DomainEvent): boolean;
  /** At-least-once: extra copies of this delivery (0 by default). */
  duplicates?(topic: string, msg: DomainEvent): number;
}

interface Pending {
  readonly topic: string;
  readonly msg: DomainEvent;
  readonly handler: MessageHandler;
}

/**
 * An in-memory bus with either delivery guarantee. Publishing queues a delivery for each matching
 * subscription; `drain()` hands them out, so a test decides when delivery happens and sees every outcome.
 *
 * - at-most-once (NATS core's promise): a delivery is taken off the queue before the handler runs; if it is
 *   dropped or the handler fails, it is gone.
 * - at-least-once: a delivery stays queued until its handler resolves (the ack); a failure puts it back to be
 *   delivered again. Copies may arrive (`duplicates`), and `reorder()` shuffles what waits, so handlers must be
 *   idempotent and must not rely on order.
 */
export class InMemoryMessageBus implements MessageBus {
  readonly #delivery: Delivery;
  readonly #faults: BusFaults;
  readonly #subscriptions = new Set<{ readonly pattern: string; readonly handler: MessageHandler }>();
  #queue: Pending[] = [];

  constructor(delivery: Delivery, faults: BusFaults = {}) {
    this.#delivery = delivery;
    this.#faults = faults;
  }

  async publish(topic: string, msg: DomainEvent): Promise<void> {
    for (const { pattern, handler } of this.#subscriptions) {
      if (!matches(pattern, topic)) continue;
      const copies =
        this.#delivery === 'at-least-once' ? 1 + (this.#faults.duplicates?.(topic, msg) ?? 0) : 1;
      for (let i = 0; i < copies; i++) this.#queue.push({ topic, msg, handler });
    }
  }

  subscribe(pattern: string, handler: MessageHandler): Unsubscribe {
    matches(pattern, 'a'); // checks the pattern's shape now, not at the first publication
    const subscription = { pattern, handler };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /** Deliveries still waiting (at-least-once: including those whose handler failed). */
  pending(): number {
    return this.#queue.length;
  }

  /** Reverses what waits: the next `drain` delivers newest first. */
  reorder(): void {
    this.#queue.reverse();
  }

  /**
   * Delivers what waits, one at a time, until nothing does or `maxRounds` passes over the queue are done
   * (a handler that always fails would keep an at-least-once bus busy for ever). Resolves to how many
   * deliveries were acknowledged.
   */
  async drain(maxRounds = 10): Promise<number> {
    let acked = 0;
    for (let round = 0; round < maxRounds && this.#queue.length > 0; round++) {
      const batch = this.#queue;
      this.#queue = [];
      for (const pending of batch) {
        if (this.#delivery === 'at-most-once') {
          if (this.#faults.drop?.(pending.topic, pending.msg)) continue;
          await pending.handler(pending.msg).then(
            () => acked++,
            () => undefined,
          );
        } else {
          await pending.handler(pending.msg).then(
            () => acked++,
            () => this.#queue.push(pending),
          );
        }
      }
    }
    return acked;
  }
}
