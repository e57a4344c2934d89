import type { DomainEvent } from './aggregate.js';

export type DomainEventHandler<E extends DomainEvent = DomainEvent> = (event: E) => void | Promise<void>;

/**
 * In-process, synchronous-in-order publication of domain events to subscribers filtered by type.
 * Publication stops at the first handler that fails and rethrows its error.
 */
export interface DomainEventBus {
  subscribe<E extends DomainEvent>(
    types: readonly string[] | '*',
    handler: DomainEventHandler<E>,
  ): () => void;
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export function createDomainEventBus(): DomainEventBus {
  const subscriptions: Array<{ types: ReadonlySet<string> | null; handler: DomainEventHandler }> = [];
  return {
    subscribe(types, handler) {
      const entry = { types: types === '*' ? null : new Set(types), handler: handler as DomainEventHandler };
      subscriptions.push(entry);
      return () => {
        const index = subscriptions.indexOf(entry);
        if (index >= 0) subscriptions.splice(index, 1);
      };
    },
    async publish(events) {
      for (const event of events) {
        for (const { types, handler } of subscriptions) {
          if (types === null || types.has(event.type)) await handler(event);
        }
      }
    },
  };
}
