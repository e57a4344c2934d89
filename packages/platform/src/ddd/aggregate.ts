/**
 * An aggregate is data and two pure functions: `evolve` folds an event into the state, and commands are
 * plain functions `(state, input) => events` that throw a DomainError when a rule is broken.
 * Nothing here does I/O; the event store loads, folds and appends.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface AggregateType<State, Event extends DomainEvent> {
  /** `<module>.<Aggregate>`, e.g. `stores.Store`; also the stream category. */
  readonly name: string;
  readonly initialState: State;
  readonly evolve: (state: State, event: Event) => State;
}

export const fold = <State, Event extends DomainEvent>(
  type: AggregateType<State, Event>,
  events: readonly Event[],
  from: State = type.initialState,
): State => events.reduce(type.evolve, from);

/** Narrows a union of events by type inside `evolve`. */
export type EventOf<Events extends DomainEvent, Type extends Events['type']> = Extract<
  Events,
  { type: Type }
>;
