import type { RecordedEvent } from '../eventstore/index.js';

export interface ProjectionContext {
  /**
   * True for an event the projection had already handled before its last reset: it is being replayed.
   * Handlers that are not replayable never see such an event.
   */
  readonly replaying: boolean;
}

/** Writes the projection's effects with the ambient `db`: they commit with the checkpoint, or not at all. */
export type ProjectionHandler = (event: RecordedEvent, context: ProjectionContext) => Promise<void>;

export interface HandlerOptions {
  readonly handle: ProjectionHandler;
  /**
   * False for side effects that must happen once (a notification, a command): the handler runs live, and
   * not during a replay. Defaults to the projection's `replayable`.
   */
  readonly replayable?: boolean;
}

interface ProjectionBase {
  /** Unique within the checkpoint schema; names the checkpoint, the metrics and the admin routes. */
  readonly name: string;
  /** Default true. False: nothing of this projection runs during a replay (only live events). */
  readonly replayable?: boolean;
  /**
   * Empties what the projection built (a TRUNCATE, a DELETE of its rows), in the transaction that rewinds its
   * checkpoint to 0. Without it the projection cannot be rebuilt.
   */
  readonly reset?: () => Promise<void>;
}

/** Handlers per event type; events of other types are passed over (the checkpoint still moves past them). */
export interface HandlersProjection extends ProjectionBase {
  readonly handlers: Readonly<Record<string, ProjectionHandler | HandlerOptions>>;
  readonly handleBatch?: never;
}

/** One function over each batch, for projections that write a batch at once (one multi-row upsert). */
export interface BatchProjection extends ProjectionBase {
  readonly handleBatch: (events: readonly RecordedEvent[], context: ProjectionContext) => Promise<void>;
  readonly handlers?: never;
}

export type Projection = HandlersProjection | BatchProjection;

/** Applies a batch: events at or below `replayUntil` are replays, those above are live. */
export type ApplyBatch = (events: readonly RecordedEvent[], replayUntil: number) => Promise<void>;

const REPLAYING: ProjectionContext = { replaying: true };
const LIVE: ProjectionContext = { replaying: false };

export function applierOf(projection: Projection): ApplyBatch {
  const projectionReplayable = projection.replayable ?? true;
  if (projection.handleBatch) {
    const handleBatch = projection.handleBatch;
    return async (events, replayUntil) => {
      const split = events.findIndex((event) => event.position > replayUntil);
      const replayed = split === -1 ? events : events.slice(0, split);
      const live = split === -1 ? [] : events.slice(split);
      if (replayed.length > 0 && projectionReplayable) await handleBatch(replayed, REPLAYING);
      if (live.length > 0) await handleBatch(live, LIVE);
    };
  }
  const handlers = new Map<string, { handle: ProjectionHandler; replayable: boolean }>();
  for (const [type, handler] of Object.entries(projection.handlers)) {
    handlers.set(
      type,
      typeof handler === 'function'
        ? { handle: handler, replayable: projectionReplayable }
        : { handle: handler.handle, replayable: handler.replayable ?? projectionReplayable },
    );
  }
  return async (events, replayUntil) => {
    for (const event of events) {
      const handler = handlers.get(event.type);
      if (!handler) continue;
      const replaying = event.position <= replayUntil;
      if (replaying && !handler.replayable) continue;
      await handler.handle(event, replaying ? REPLAYING : LIVE);
    }
  };
}
