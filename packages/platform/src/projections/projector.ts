import { performance } from 'node:perf_hooks';
import { conflict, failedPrecondition } from '../ddd/index.js';
import type { EventStore, Follower, RecordedEvent } from '../eventstore/index.js';
import type { Logger } from '../observability/index.js';
import { identifier } from '../sql/errors.js';
import type { SqlClient } from '../sql/index.js';
import { applierOf, type Projection } from './projection.js';
import { resetChannel } from './schema.js';
import { projectingSpan } from './spans.js';

/** How far behind a projection is, read from its checkpoint (so it holds whichever process runs it). */
export interface ProjectionLag {
  readonly name: string;
  /** Position of the last event whose effects are committed. */
  readonly position: number;
  /** Position of the last committed event in the store. */
  readonly headPosition: number;
  /** Events committed and not yet handled (exact: holes in the positions are not counted). */
  readonly behind: number;
  /** How long ago the oldest of them was recorded, in ms; absent when there are none. */
  readonly oldestPendingMs?: number;
  /** True while a rebuild replays history: the projection is incomplete until position reaches replayUntil. */
  readonly rebuilding: boolean;
  /** Events at or below this position are replays of the last rebuild (0: never rebuilt). */
  readonly replayUntil: number;
  /** When the last rebuild started (its reset committed), if ever. */
  readonly lastRebuiltAt?: Date;
  /**
   * While rebuilding: the events replayed so far and the events to replay (those at or below `replayUntil`),
   * counted in the store, so that any process tells the same progress (ADR 0041).
   */
  readonly replay?: { readonly replayed: number; readonly total: number };
}

export interface RebuildProgress {
  readonly name: string;
  /** Replayed events passed so far. */
  readonly handled: number;
  /** Events to replay: those committed at or below the position the projection had reached. */
  readonly total: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
}

export interface RebuildOptions {
  /** Called at most every `progressIntervalMs`, and once at the end. Default: a log line each time. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Default 1000. */
  progressIntervalMs?: number;
}

export interface RebuildResult {
  readonly name: string;
  /** Events replayed: every event committed at or below `replayUntil`. */
  readonly replayed: number;
  readonly replayUntil: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
}

export interface Rebuild {
  /** The projection has been reset and its checkpoint rewound: history up to here will be replayed. */
  readonly replayUntil: number;
  readonly total: number;
  /** Resolves when the replay has reached `replayUntil`; the projection then goes on live. */
  readonly done: Promise<RebuildResult>;
}

/** The checkpoint as committed, and so what the read model shows (see `Projector.checkpoint`). */
export interface ProjectionCheckpoint {
  /** Position of the last event whose effects are committed. */
  readonly position: number;
  /** True while a rebuild replays history: the read model is incomplete, possibly stale. */
  readonly rebuilding: boolean;
}

export interface Projector {
  readonly name: string;
  /** The position this process has seen handled (by itself or by another process running the projection). */
  readonly position: number;
  /** Resolves once every event committed before the call has been handled. */
  caughtUp(): Promise<void>;
  lag(): Promise<ProjectionLag>;
  /**
   * The committed checkpoint, read with the ambient transaction: read beside the read model in one snapshot
   * (REPEATABLE READ), it is the position of exactly what the rows show. One row by key: cheap, unlike `lag`.
   */
  checkpoint(): Promise<ProjectionCheckpoint>;
  /**
   * Calls `listener` each time this process sees the projection move on: once a batch it applied has
   * committed, or once it has seen that another process applied it. Live queries wait on it instead of
   * polling (what the read model shows may have changed up to that position). Returns the unsubscribe.
   */
  watch(listener: (position: number) => void): () => void;
  /** Resets the projection and replays its history; resolves when the replay starts. */
  startRebuild(options?: RebuildOptions): Promise<Rebuild>;
  /** Resets the projection and replays its history; resolves when the replay has ended. */
  rebuild(options?: RebuildOptions): Promise<RebuildResult>;
  stop(): Promise<void>;
}

export interface ProjectorOptions {
  /** The schema holding `projection_checkpoints` (projectionMigrations). Default: the event store's. */
  schema?: string;
  /** Events per transaction. Default 500. */
  batchSize?: number;
  /** Safety net only: the projector wakes on each committed append. Default 30 s. */
  idleRecheckMs?: number;
  /**
   * Under a steady stream of appends, reads the global order at most once per this many ms, so that events
   * gather into fewer batches: fewer transactions and checkpoint writes, for at most that much more lag. The
   * first append after a quiet spell is read at once. Default `DEFAULT_MIN_READ_INTERVAL_MS`.
   */
  minReadIntervalMs?: number;
  /** Failed batches (retried) and rebuild progress go here. */
  logger?: Pick<Logger, 'info' | 'error'>;
  /** Told about each failed batch before it is retried (in addition to the logger). */
  onError?: (error: unknown, events: readonly RecordedEvent[]) => void;
}

/** How often, at most, a projector reads the global order under load (see `minReadIntervalMs`). */
export const DEFAULT_MIN_READ_INTERVAL_MS = 50;

/** The checkpoint is behind the position this process had reached: the projection was reset. */
class Rewound extends Error {
  constructor(readonly checkpoint: number) {
    super(`the projection was reset to ${checkpoint}`);
  }
}

interface Checkpoint {
  position: number;
  replay_until: number;
}

/**
 * Runs a projection over an event store's global order. Each batch is one transaction: lock the checkpoint
 * row and move it (one statement), apply the events it had not seen. A crash therefore never applies an
 * event twice nor skips one, and processes running the same projection take turns on the row (the second
 * skips what the first applied). Woken by the store's notifications, not by polling.
 */
export async function startProjector(
  source: { db: SqlClient; store: EventStore },
  projection: Projection,
  options: ProjectorOptions = {},
): Promise<Projector> {
  const { db, store } = source;
  const { name } = projection;
  const schema = options.schema ?? store.schema;
  const checkpoints = `${identifier(schema)}.projection_checkpoints`;
  const events = `${identifier(store.schema)}.events`;
  const apply = applierOf(projection);
  const logger = options.logger;

  await db.query(`INSERT INTO ${checkpoints} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  const readCheckpoint = async (lock: boolean) => {
    const { rows } = await db.query<Checkpoint>(
      `SELECT position, replay_until FROM ${checkpoints} WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [name],
    );
    const row = rows[0];
    if (!row) throw new Error(`the checkpoint of projection ${name} is gone`);
    return { position: Number(row.position), replayUntil: Number(row.replay_until) };
  };

  let position = (await readCheckpoint(false)).position;
  let stopped = false;
  const watchers = new Set<(position: number) => void>();
  const tellWatchers = () => {
    for (const watcher of [...watchers]) {
      try {
        watcher(position);
      } catch (error) {
        logger?.error({ err: error, projection: name }, `projection ${name}: a watcher failed`);
      }
    }
  };
  let rebuilding: RebuildTracker | undefined;
  const waiters: Array<{ target: number; resolve: () => void }> = [];
  const settleWaiters = (all = false) => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (all || waiters[i]!.target <= position) waiters.splice(i, 1)[0]!.resolve();
    }
  };
  const reached = (target: number) =>
    target <= position || stopped
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ target, resolve }));

  // Locks the checkpoint row and moves it past the batch in one statement, answering where it was: the batch's
  // effects then commit with it, or roll back with it (a rewound checkpoint throws before anything applies).
  // Never backwards: when another process went further, the position stays where it went.
  const moveCheckpoint = async (to: number) => {
    const { rows } = await db.query<Checkpoint>(
      `WITH was AS (SELECT position, replay_until FROM ${checkpoints} WHERE name = $1 FOR UPDATE)
       UPDATE ${checkpoints} c SET position = greatest(was.position, $2), updated_at = now()
         FROM was WHERE c.name = $1
       RETURNING was.position, was.replay_until`,
      [name, to],
    );
    const row = rows[0];
    if (!row) throw new Error(`the checkpoint of projection ${name} is gone`);
    return { position: Number(row.position), replayUntil: Number(row.replay_until) };
  };

  const handle = async (batch: readonly RecordedEvent[]) => {
    await projectingSpan(name, batch, () =>
      db.transaction(async () => {
        const checkpoint = await moveCheckpoint(batch.at(-1)!.position);
        if (checkpoint.position < position) throw new Rewound(checkpoint.position);
        // Another process may have applied part of the batch while this one read it.
        const pending =
          checkpoint.position > position ? batch.filter((e) => e.position > checkpoint.position) : batch;
        if (pending.length === 0) return;
        await apply(pending, checkpoint.replayUntil);
      }),
    );
    position = batch.at(-1)!.position;
    rebuilding?.passed(batch);
    settleWaiters();
    tellWatchers();
  };

  let stopFollower: () => Promise<void>;
  let restarting: Promise<void> | undefined;
  const startFollowing = async () => {
    const follower: Follower = await store.follow({
      afterPosition: position,
      handle,
      onError,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.idleRecheckMs === undefined ? {} : { idleRecheckMs: options.idleRecheckMs }),
      minReadIntervalMs: options.minReadIntervalMs ?? DEFAULT_MIN_READ_INTERVAL_MS,
    });
    let stopping: Promise<void> | undefined;
    stopFollower = () => {
      stopping ??= follower.stop();
      return stopping;
    };
  };
  /** Follows again from the checkpoint, when a reset moved it behind this process's position. */
  const restartFrom = (checkpoint: number) => {
    restarting ??= (async () => {
      await stopFollower();
      if (stopped) return;
      position = checkpoint;
      await startFollowing();
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  };
  function onError(error: unknown, batch: readonly RecordedEvent[]) {
    if (error instanceof Rewound) {
      void restartFrom(error.checkpoint);
      return;
    }
    logger?.error({ err: error, projection: name, events: batch.length }, `projection ${name}: batch failed`);
    options.onError?.(error, batch);
  }
  /** After a reset elsewhere: an idle follower would not notice until the next append. */
  const checkRewound = async () => {
    await restarting;
    const checkpoint = await readCheckpoint(false);
    if (checkpoint.position < position && !stopped) await restartFrom(checkpoint.position);
  };

  await startFollowing();
  const unlisten = await db.listen(resetChannel(schema), (payload) => {
    // An empty payload follows a lost connection: a reset may have been missed.
    if (payload === name || payload === '') {
      checkRewound().catch((error: unknown) => onError(error, []));
    }
  });

  const lag = async (): Promise<ProjectionLag> => {
    const { rows } = await db.query<{
      position: number;
      replay_until: number;
      head: number | null;
      behind: number;
      oldest_ms: number | null;
      replayed: number | null;
      replay_total: number | null;
      reset_at: Date | string | null;
    }>(
      `SELECT c.position, c.replay_until, c.reset_at,
              (SELECT max(position) FROM ${events}) AS head,
              (SELECT count(*) FROM ${events} e WHERE e.position > c.position) AS behind,
              (SELECT (extract(epoch FROM clock_timestamp() - e.recorded_at) * 1000)::bigint FROM ${events} e
                WHERE e.position > c.position ORDER BY e.position LIMIT 1) AS oldest_ms,
              -- Only while rebuilding: two counts of the history replayed.
              CASE WHEN c.position < c.replay_until THEN
                (SELECT count(*) FROM ${events} e WHERE e.position <= c.position) END AS replayed,
              CASE WHEN c.position < c.replay_until THEN
                (SELECT count(*) FROM ${events} e WHERE e.position <= c.replay_until) END AS replay_total
         FROM ${checkpoints} c WHERE c.name = $1`,
      [name],
    );
    const row = rows[0]!;
    const checkpoint = Number(row.position);
    const replayUntil = Number(row.replay_until);
    return {
      name,
      position: checkpoint,
      headPosition: Number(row.head ?? 0),
      behind: Number(row.behind),
      ...(row.oldest_ms === null ? {} : { oldestPendingMs: Math.max(0, Number(row.oldest_ms)) }),
      rebuilding: checkpoint < replayUntil,
      replayUntil,
      ...(row.reset_at === null ? {} : { lastRebuiltAt: new Date(row.reset_at) }),
      ...(row.replay_total === null
        ? {}
        : { replay: { replayed: Number(row.replayed), total: Number(row.replay_total) } }),
    };
  };

  const startRebuild = async (rebuildOptions: RebuildOptions = {}): Promise<Rebuild> => {
    const reset = projection.reset;
    if (!reset) {
      throw failedPrecondition(
        'projection_not_resettable',
        `projection ${name} has no reset: it cannot be rebuilt`,
      );
    }
    if (rebuilding) throw conflict('projection_rebuilding', `projection ${name} is being rebuilt already`);
    const tracker = new RebuildTracker(name, rebuildOptions, logger);
    rebuilding = tracker;
    try {
      const { replayUntil, total } = await db.transaction(async () => {
        const checkpoint = await readCheckpoint(true);
        // A rebuild started before the last one ended must not replay as live what that one had yet to reach.
        const replayUntil = Math.max(checkpoint.position, checkpoint.replayUntil);
        await reset();
        await db.query(
          `UPDATE ${checkpoints} SET position = 0, replay_until = $2, reset_at = now(), updated_at = now()
            WHERE name = $1`,
          [name, replayUntil],
        );
        const { rows } = await db.query<{ total: number }>(
          `SELECT count(*) AS total FROM ${events} WHERE position <= $1`,
          [replayUntil],
        );
        await db.notify(resetChannel(schema), name);
        return { replayUntil, total: Number(rows[0]!.total) };
      });
      // Here at once, rather than on the notification: the replay starts without waiting for it.
      await checkRewound();
      tracker.begin(replayUntil, total);
      const done = reached(replayUntil).then(() => {
        if (rebuilding === tracker) rebuilding = undefined;
        if (stopped && position < replayUntil)
          throw new Error(`projection ${name} stopped during its rebuild`);
        return tracker.finish();
      });
      // The caller may only look at `done` later: a rejection meanwhile is not unhandled.
      done.catch(() => {});
      return { replayUntil, total, done };
    } catch (error) {
      rebuilding = undefined;
      throw error;
    }
  };

  return {
    name,
    get position() {
      return position;
    },
    async caughtUp() {
      // A reset made elsewhere, whose notification has yet to arrive, rewinds this process first.
      await checkRewound();
      const target = await store.headPosition();
      await reached(target);
    },
    lag,
    async checkpoint() {
      const { position: committed, replayUntil } = await readCheckpoint(false);
      return { position: committed, rebuilding: committed < replayUntil };
    },
    watch(listener) {
      watchers.add(listener);
      return () => {
        watchers.delete(listener);
      };
    },
    startRebuild,
    rebuild: async (rebuildOptions) => (await startRebuild(rebuildOptions)).done,
    async stop() {
      stopped = true;
      await unlisten();
      await restarting;
      await stopFollower();
      settleWaiters(true);
      watchers.clear();
    },
  };
}

/** Counts what a rebuild has passed and reports it, at most every interval. */
class RebuildTracker {
  private replayUntil = 0;
  private total = 0;
  private handled = 0;
  private started = 0;
  private lastReport = 0;
  private readonly report: (progress: RebuildProgress) => void;
  private readonly interval: number;

  constructor(
    private readonly name: string,
    options: RebuildOptions,
    logger: Pick<Logger, 'info'> | undefined,
  ) {
    this.interval = options.progressIntervalMs ?? 1000;
    this.report =
      options.onProgress ??
      ((p) =>
        logger?.info(
          { projection: p.name, handled: p.handled, total: p.total, eventsPerSecond: p.eventsPerSecond },
          `rebuilding ${p.name}: ${p.handled}/${p.total} events (${p.eventsPerSecond} events/s)`,
        ));
  }

  begin(replayUntil: number, total: number) {
    this.replayUntil = replayUntil;
    this.total = total;
    this.started = performance.now();
    this.lastReport = this.started;
  }

  passed(batch: readonly RecordedEvent[]) {
    for (const event of batch) if (event.position <= this.replayUntil) this.handled++;
    const now = performance.now();
    if (now - this.lastReport >= this.interval && this.handled < this.total) {
      this.lastReport = now;
      this.report(this.progress(now));
    }
  }

  finish(): RebuildResult {
    // Every event up to replayUntil has been replayed, here or in another process running the projection.
    this.handled = this.total;
    const progress = this.progress(performance.now());
    this.report(progress);
    return {
      name: this.name,
      replayed: progress.handled,
      replayUntil: this.replayUntil,
      elapsedMs: progress.elapsedMs,
      eventsPerSecond: progress.eventsPerSecond,
    };
  }

  private progress(now: number): RebuildProgress {
    const elapsedMs = now - this.started;
    return {
      name: this.name,
      handled: this.handled,
      total: this.total,
      elapsedMs,
      eventsPerSecond: elapsedMs > 0 ? Math.round((this.handled * 1000) / elapsedMs) : 0,
    };
  }
}
