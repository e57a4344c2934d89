/**
 * A leading-edge throttle for batches of work: at most one batch starts per `intervalMs` while work keeps
 * coming, so that what arrives meanwhile joins the next one (fewer transactions), and the first batch after
 * a quiet spell starts at once. An interval of 0 never waits.
 */
export interface BatchPacer {
  /**
   * Resolves when the next batch may start, and counts it as started. With `now`, it starts at once (the
   * rest of a full batch, a backlog, someone waiting for it).
   */
  next(now?: boolean): Promise<void>;
  /** Ends a wait in progress at once (a stop, or someone who waits for the batch). */
  hurry(): void;
}

export function batchPacer(intervalMs: number): BatchPacer {
  let lastStart = Number.NEGATIVE_INFINITY;
  const waits = new Set<() => void>();
  return {
    async next(now = false) {
      const wait = lastStart + intervalMs - performance.now();
      if (!now && wait > 0) {
        await new Promise<void>((resolve) => {
          const end = () => {
            clearTimeout(timer);
            waits.delete(end);
            resolve();
          };
          const timer = setTimeout(end, wait);
          waits.add(end);
        });
      }
      lastStart = performance.now();
    },
    hurry() {
      for (const end of [...waits]) end();
    },
  };
}
