/**
 * Time as the protocols read it. The platform's clocks fit (`systemClock`, and `manualClock` from
 * `@tessera/platform/scheduling`, which tests move by hand); it is declared here so that the protocols import
 * no platform part but `ddd`, like every pure building block.
 */
export interface Clock {
  now(): Date;
}

/** A clock that says when its time moves (a manual clock): tests travel instead of sleeping. */
interface MovingClock extends Clock {
  onChange(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

const moves = (clock: Clock): clock is MovingClock =>
  typeof (clock as Partial<MovingClock>).onChange === 'function';

export interface Timeout {
  /** Resolves once `ms` have passed on the clock; never rejects. */
  readonly expired: Promise<void>;
  cancel(): void;
}

/** A timeout on `clock`: a timer on the system's, a watch on a manual clock's moves. */
export function timeoutAfter(clock: Clock, ms: number): Timeout {
  const due = clock.now().getTime() + ms;
  let cancel = () => {};
  const expired = new Promise<void>((resolve) => {
    if (moves(clock)) {
      const stop = clock.onChange(() => {
        if (clock.now().getTime() >= due) {
          stop();
          resolve();
        }
      });
      cancel = stop;
      if (ms <= 0) resolve();
    } else {
      const timer = setTimeout(resolve, ms);
      cancel = () => clearTimeout(timer);
    }
  });
  return { expired, cancel: () => cancel() };
}
