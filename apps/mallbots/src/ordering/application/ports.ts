import type { RecordedEvent } from '@tessera/platform/eventstore';
import type * as Order from '../domain/order.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's event-sourced
 * aggregate repository and SQL client already have these shapes.
 */
export interface AggregateStore<State, Event> {
  load(id: string): Promise<{ readonly state: State }>;
  /** Loads, decides and appends in one unit of work; a decision of no events appends nothing. */
  update(
    id: string,
    decide: (state: State) => readonly Event[],
  ): Promise<{ readonly state: State; readonly events: readonly RecordedEvent[] }>;
}

export interface UnitOfWork {
  /** Runs `work` in one transaction (joining the caller's, if there is one). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Where the integration messages of a save go, inside the saving transaction: they exist if and only if the
 * save commits. `state` is the order after the save; `events` are the events the save recorded.
 */
export interface IntegrationOutbox {
  publish(orderId: string, state: Order.State, events: readonly RecordedEvent[]): Promise<void>;
}
