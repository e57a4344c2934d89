import type { AggregateType, DomainEvent } from '../ddd/index.js';
import { createRegistry, type TypeDefinition } from '../registry/index.js';
import type { RecordedEvent } from './events.js';
import { type AggregateRepository, createAggregateRepository } from './repository.js';
import { everyNEvents } from './snapshots.js';
import { createEventStore, type EventStore, type EventStoreOptions } from './store.js';

export interface EventSourcingOptions extends Omit<EventStoreOptions, 'registry'> {
  /** The event types the store's registry knows. */
  readonly eventTypes: readonly TypeDefinition[];
  /** A snapshot of every aggregate of the module, of this stored shape, each `every` events (default 50). */
  readonly snapshots: { readonly version: number; readonly every?: number };
}

/** What a save means outside, written in the appending transaction: its integration messages, usually. */
export interface SaveOutbox<State> {
  publish(id: string, state: State, events: readonly RecordedEvent[]): Promise<void>;
}

export interface EventSourcing {
  readonly store: EventStore;
  /** A repository of `type` in the store, snapshotted per the options, publishing each save to `outbox`. */
  repository<State, Event extends DomainEvent>(
    type: AggregateType<State, Event>,
    options?: { outbox?: SaveOutbox<State> },
  ): AggregateRepository<State, Event>;
}

/** A module's event store (with its registry) and the repositories of its event-sourced aggregates. */
export function eventSourcing(options: EventSourcingOptions): EventSourcing {
  const { eventTypes, snapshots, ...storeOptions } = options;
  const store = createEventStore({ ...storeOptions, registry: createRegistry(...eventTypes) });
  const strategy = everyNEvents(snapshots.every ?? 50);
  const transaction = <T>(work: () => Promise<T>) => options.db.transaction(work);
  return {
    store,
    repository(type, { outbox } = {}) {
      return createAggregateRepository(store, type, {
        snapshots: { strategy, version: snapshots.version },
        transaction,
        ...(outbox ? { onSaved: (saved) => outbox.publish(saved.id, saved.state, saved.events) } : {}),
      });
    },
  };
}
