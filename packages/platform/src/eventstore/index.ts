export type { ExpectedVersion } from './errors.js';
export { ConcurrencyError } from './errors.js';
export type { EventSourcing, EventSourcingOptions, SaveOutbox } from './event-sourcing.js';
export { eventSourcing } from './event-sourcing.js';
export type { Follower, FollowOptions } from './follower.js';
export type { FromSnapshot } from './reads.js';
export type { AggregateRepository, Loaded, RepositoryOptions, Saved } from './repository.js';
export { createAggregateRepository } from './repository.js';
export { eventStoreMigrations } from './schema.js';
export type { SnapshotPolicy, SnapshotStrategy } from './snapshots.js';
export { anyOf, everyNEvents, onEventTypes } from './snapshots.js';
export type {
  AppendResult,
  EventStore,
  EventStoreOptions,
  InlineProjection,
  Metadata,
  NewEvent,
  RecordedEvent,
  StoredSnapshot,
} from './store.js';
export { createEventStore } from './store.js';
