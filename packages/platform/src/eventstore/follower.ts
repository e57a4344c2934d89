import { batchPacer } from '../pacing/batch-pacer.js';
import type { SqlClient } from '../sql/index.js';
import type { RecordedEvent } from './events.js';
import { notifyChannel } from './schema.js';

export interface FollowOptions {
  /** Start after this position (0: from the first event). */
  afterPosition?: number;
  batchSize?: number;
  /**
   * Handles a batch in global order. The position moves past the batch only when this resolves; when it
   * throws, the same batch is handled again after a pause. Store a checkpoint with the effects to resume
   * from it after a restart.
   */
  handle: (events: readonly RecordedEvent[]) => Promise<void>;
  /** Told about each failed batch before it is retried. */
  onError?: (error: unknown, events: readonly RecordedEvent[]) => void;
  /**
   * A safety net only: followers wake on each committed append (NOTIFY), and after a lost connection.
   * Default 30 s.
   */
  idleRecheckMs?: number;
  /**
   * Reads at most once per this many ms (default 0): under a steady stream of appends, events gather into
   * fewer, larger batches (for a projector, fewer transactions and checkpoint writes), at the cost of that
   * much lag. The first append after a quiet spell is read at once, and so is the rest of a full batch, or
   * what a `caughtUp` waits for.
   */
  minReadIntervalMs?: number;
}

export interface Follower {
  /** The position of the last event handled. */
  readonly position: number;
  /** Resolves once every event committed before the call has been handled. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

type ReadAll = (options: { afterPosition: number; limit: number }) => Promise<RecordedEvent[]>;

/** Tails the global order: reads what is there, then sleeps until an append commits. */
export async function follow(
  db: SqlClient,
  schema: string,
  readAll: ReadAll,
  headPosition: () => Promise<number>,
  options: FollowOptions,
): Promise<Follower> {
  const batchSize = options.batchSize ?? 500;
  const idleRecheckMs = options.idleRecheckMs ?? 30_000;
  const pacer = batchPacer(options.minReadIntervalMs ?? 0);
  let position = options.afterPosition ?? 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  let woken = false;
  const waiters: Array<{ target: number; resolve: () => void }> = [];

  const signal = () => {
    woken = true;
    wake?.();
    // The wait between reads (`minReadIntervalMs`) is not ended by a notification, but by a caughtUp.
    if (waiters.length > 0) pacer.hurry();
  };
  // Listen before the first read, so that an append committed in between still wakes the loop.
  const unlisten = await db.listen(notifyChannel(schema), signal);

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.target <= position) waiters.splice(i, 1)[0]!.resolve();
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = undefined;
    });

  const loop = (async () => {
    let pause = 50;
    // Whether the last read answered a full batch, whose rest is read at once.
    let full = false;
    while (!stopped) {
      await pacer.next(full || stopped || waiters.length > 0);
      if (stopped) break;
      full = false;
      woken = false;
      const events = await readAll({ afterPosition: position, limit: batchSize }).catch((error: unknown) => {
        options.onError?.(error, []);
        return undefined;
      });
      if (events === undefined) {
        await sleep(pause);
        pause = Math.min(pause * 2, 5000);
        continue;
      }
      if (events.length === 0) {
        settleWaiters();
        await sleep(idleRecheckMs);
        continue;
      }
      try {
        await options.handle(events);
        position = events.at(-1)!.position;
        pause = 50;
        settleWaiters();
        // A full batch may have left more behind: read again at once. A shorter one read everything committed
        // before the read began; what committed since has notified, and set `woken`: otherwise, sleep. (The
        // global order lock commits positions in order, so nothing can commit behind what was read.)
        if (events.length === batchSize) woken = full = true;
        // But let the process breathe first: on PGlite nothing here waits on I/O, and a long catch-up would
        // otherwise hold the event loop (HTTP requests, timers) until it ends.
        await new Promise((resolve) => setImmediate(resolve));
        if (!woken) await sleep(idleRecheckMs);
      } catch (error) {
        options.onError?.(error, events);
        woken = false;
        await sleep(pause);
        pause = Math.min(pause * 2, 5000);
      }
    }
  })();

  return {
    get position() {
      return position;
    },
    async caughtUp() {
      const target = await headPosition();
      if (target <= position) return;
      await new Promise<void>((resolve) => {
        waiters.push({ target, resolve });
        signal();
      });
    },
    async stop() {
      stopped = true;
      wake?.();
      pacer.hurry();
      await loop;
      await unlisten();
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
  };
}
