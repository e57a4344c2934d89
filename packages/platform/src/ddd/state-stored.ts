import { type AggregateType, type DomainEvent, fold } from './aggregate.js';

/**
 * The state-stored step, "load, decide, save, write its messages", written once: an aggregate kept as one row
 * (its current state and a version), changed by a decision of the pure domain, saved with optimistic
 * concurrency, and followed in the same transaction by what the change means outside (its integration
 * messages through the outbox, a wake-up). No I/O here: the caller passes its ports (the platform's SQL client
 * is a UnitOfWork; a module's repository adapter is a StateRepository).
 */

/** The transaction boundary an application needs; the platform's SQL client has this shape. */
export interface UnitOfWork {
  /** Runs `work` in one transaction (joining the caller's, if there is one). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `callback` once the surrounding transaction has committed (at once outside one), never on rollback. */
  afterCommit(callback: () => void | Promise<void>): Promise<void>;
}

/** An aggregate's state with the version its next save must still find (0: never saved). */
export interface Versioned<State> {
  readonly state: State;
  readonly version: number;
}

/** Aggregates stored as rows, saved with optimistic concurrency. */
export interface StateRepository<State, SaveOptions = never> {
  /** The aggregate's initial state at version 0 when no row has that id. */
  load(id: string): Promise<Versioned<State>>;
  /**
   * Inserts (expectedVersion 0) or updates the row, only if it is still at `expectedVersion`; otherwise throws
   * a DomainError of kind `conflict`, for the caller to reload and retry.
   */
  save(id: string, state: State, expectedVersion: number, options?: SaveOptions): Promise<void>;
}

/** What a decision did to one aggregate. */
export interface Change<State, Event> {
  readonly id: string;
  readonly before: State;
  /** The state after the events (`before` itself when there were none). */
  readonly state: State;
  readonly events: readonly Event[];
  /** The version after the save: the loaded one + 1, or the loaded one when nothing was decided. */
  readonly version: number;
}

/** What an application needs of its aggregates' storage, whether they are kept as rows or as event streams. */
export interface AggregateStore<State, Event> {
  load(id: string): Promise<Versioned<State>>;
  /** Loads, decides and saves in one transaction; a decision of no events saves nothing. */
  update(
    id: string,
    decide: (state: State) => readonly Event[],
  ): Promise<Versioned<State> & { readonly events: readonly unknown[] }>;
}

export interface StateStored<State, Event, SaveOptions = never> extends AggregateStore<State, Event> {
  /**
   * Inside the caller's transaction: folds `events` into the loaded state, saves it at the loaded version,
   * then runs `onSaved`. No events: nothing is written and the state is the loaded one.
   */
  apply(
    id: string,
    loaded: Versioned<State>,
    events: readonly Event[],
    options?: SaveOptions,
  ): Promise<Change<State, Event>>;
  /** One transaction: load, decide, then `apply`. */
  update(
    id: string,
    decide: (state: State) => readonly Event[],
    options?: SaveOptions,
  ): Promise<Change<State, Event>>;
}

export function stateStored<State, Event extends DomainEvent, SaveOptions = never>(kit: {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly aggregate: AggregateType<State, Event>;
  readonly repository: StateRepository<State, SaveOptions>;
  /**
   * Runs in the saving transaction after each save that changed something: the change's integration messages
   * (the outbox), a signal, an after-commit dispatch. It fails the save if it throws.
   */
  readonly onSaved?: (change: Change<State, Event>) => Promise<void>;
}): StateStored<State, Event, SaveOptions> {
  const { db, aggregate, repository, onSaved } = kit;

  const apply: StateStored<State, Event, SaveOptions>['apply'] = async (id, loaded, events, options) => {
    const before = loaded.state;
    if (events.length === 0) return { id, before, state: before, events, version: loaded.version };
    const state = fold(aggregate, events, before);
    await repository.save(id, state, loaded.version, options);
    const change = { id, before, state, events, version: loaded.version + 1 };
    await onSaved?.(change);
    return change;
  };

  return {
    load: (id) => repository.load(id),
    apply,
    update: (id, decide, options) =>
      db.transaction(async () => {
        const loaded = await repository.load(id);
        return apply(id, loaded, decide(loaded.state), options);
      }),
  };
}
