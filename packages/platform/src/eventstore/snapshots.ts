import type { DomainEvent } from '../ddd/index.js';

/** Decides, at each save, whether to store a snapshot of the state the save produced. */
export type SnapshotStrategy = (save: {
  /** Stream version before and after the save. */
  readonly from: number;
  readonly to: number;
  readonly events: readonly DomainEvent[];
}) => boolean;

/** A snapshot each time the stream reaches or crosses a multiple of `n` events. */
export const everyNEvents =
  (n: number): SnapshotStrategy =>
  ({ from, to }) => {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`everyNEvents needs a whole number from 1, got ${n}`);
    return Math.floor(to / n) > Math.floor(from / n);
  };

/** A snapshot after any save that contains one of these (pivotal) event types. */
export const onEventTypes =
  (...types: string[]): SnapshotStrategy =>
  ({ events }) =>
    events.some((event) => types.includes(event.type));

export const anyOf =
  (...strategies: SnapshotStrategy[]): SnapshotStrategy =>
  (save) =>
    strategies.some((strategy) => strategy(save));

export interface SnapshotPolicy<State> {
  readonly strategy: SnapshotStrategy;
  /**
   * The shape of the stored state. Bump it when the state's shape changes: snapshots of another version
   * are ignored (the aggregate is replayed from its events) and replaced at the next snapshot.
   */
  readonly version: number;
  /** For state that is not plain JSON (Maps, Dates...). */
  readonly toJSON?: (state: State) => unknown;
  readonly fromJSON?: (json: unknown) => State;
}
