import type { Clock } from './ports.js';

/** A clock that says when its time jumps, so that a scheduler bound to it looks again at once. */
export interface ObservableClock extends Clock {
  /** Calls `listener` after each change of the time; resolves to an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** A clock moved by hand: tests travel in time without sleeping. */
export interface ManualClock extends ObservableClock {
  /** Moves the time forward by `ms` (or back, when negative); returns the new time. */
  advance(ms: number): Date;
  set(date: Date): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function manualClock(start: Date = new Date()): ManualClock {
  let time = start.getTime();
  const listeners = new Set<() => void>();
  const moveTo = (ms: number) => {
    if (!Number.isFinite(ms)) throw new Error('a manual clock needs a valid time');
    time = ms;
    for (const listener of [...listeners]) listener();
    return new Date(time);
  };
  return {
    now: () => new Date(time),
    advance: (ms) => moveTo(time + ms),
    set: (date) => moveTo(date.getTime()),
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Subscribes to a clock's changes when it reports them (a manual clock); the system clock never jumps. */
export function onClockChange(clock: Clock, listener: () => void): () => void {
  const observable = clock as Partial<ObservableClock>;
  return typeof observable.onChange === 'function' ? observable.onChange.call(clock, listener) : () => {};
}
