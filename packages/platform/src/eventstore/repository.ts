import { type AggregateType, type DomainEvent, fold } from '../ddd/index.js';
import type { ExpectedVersion } from './errors.js';
import type { SnapshotPolicy } from './snapshots.js';
import type { EventStore, Metadata, RecordedEvent } from './store.js';

export interface Loaded<State> {
  readonly id: string;
  readonly state: State;
  /** 0 when the aggregate has no events yet. */
  readonly version: number;
}

export interface Saved<State> extends Loaded<State> {
  readonly events: readonly RecordedEvent[];
}

export interface AggregateRepository<State, Event extends DomainEvent> {
  readonly type: AggregateType<State, Event>;
  streamName(id: string): string;
  /** The latest snapshot (when there is a usable one) plus the events after it. */
  load(id: string): Promise<Loaded<State>>;
  /** Appends `events` expecting the stream at `loaded.version`; snapshots per the policy, in the same unit of work. */
  save(
    loaded: Loaded<State>,
    events: readonly Event[],
    options?: { metadata?: Metadata },
  ): Promise<Saved<State>>;
  /** Loads, decides and saves in one transaction; a decision of no events saves nothing. */
  update(
    id: string,
    decide: (state: State, version: number) => readonly Event[] | Promise<readonly Event[]>,
    options?: { metadata?: Metadata; expectedVersion?: ExpectedVersion },
  ): Promise<Saved<State>>;
}

export interface RepositoryOptions<State> {
  snapshots?: SnapshotPolicy<State>;
  /**
   * Runs in the appending transaction after each save that appended events: what the change means outside,
   * such as its integration messages through the outbox (they then exist if and only if the events do).
   */
  onSaved?: (saved: Saved<State>) => Promise<void>;
}

export function createAggregateRepository<State, Event extends DomainEvent>(
  store: EventStore,
  type: AggregateType<State, Event>,
  options: RepositoryOptions<State> & { transaction: <T>(work: () => Promise<T>) => Promise<T> },
): AggregateRepository<State, Event> {
  const policy = options.snapshots;
  const streamName = (id: string) => `${type.name}-${id}`;

  const load = async (id: string): Promise<Loaded<State>> => {
    const stream = streamName(id);
    let state = type.initialState;
    let version = 0;
    let events: readonly RecordedEvent[];
    if (policy) {
      const read = await store.readFromSnapshot(stream, policy.version);
      if (read.snapshot) {
        state = policy.fromJSON ? policy.fromJSON(read.snapshot.data) : (read.snapshot.data as State);
        version = read.snapshot.streamVersion;
      }
      events = read.events;
    } else {
      events = await store.readStream(stream);
    }
    for (const event of events) {
      state = type.evolve(state, event as unknown as Event);
      version = event.streamVersion;
    }
    return { id, state, version };
  };

  const save = async (
    loaded: Loaded<State>,
    events: readonly Event[],
    saveOptions: { metadata?: Metadata; expectedVersion?: ExpectedVersion } = {},
  ): Promise<Saved<State>> => {
    if (events.length === 0) return { ...loaded, events: [] };
    const stream = streamName(loaded.id);
    const state = fold(type, events, loaded.state);
    const run = async () => {
      const result = await store.append(
        stream,
        events.map((event) => ({ type: event.type, data: event.data, metadata: saveOptions.metadata })),
        { expectedVersion: saveOptions.expectedVersion ?? loaded.version },
      );
      if (policy?.strategy({ from: loaded.version, to: result.streamVersion, events })) {
        await store.writeSnapshot(stream, {
          streamVersion: result.streamVersion,
          schemaVersion: policy.version,
          data: policy.toJSON ? policy.toJSON(state) : state,
        });
      }
      const saved = { id: loaded.id, state, version: result.streamVersion, events: result.events };
      await options.onSaved?.(saved);
      return saved;
    };
    // Events, snapshot and what the save writes beside them land together or not at all.
    return policy || options.onSaved ? options.transaction(run) : run();
  };

  return {
    type,
    streamName,
    load,
    save,
    update(id, decide, updateOptions = {}) {
      return options.transaction(async () => {
        const loaded = await load(id);
        const events = await decide(loaded.state, loaded.version);
        return save(loaded, events, updateOptions);
      });
    },
  };
}
