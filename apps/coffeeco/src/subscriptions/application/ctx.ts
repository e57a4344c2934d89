/**
 * The book's `ctx context.Context` (spec §0.3): the caller's cancellation, and values it carries (who is asking).
 * Every entry point of the subscription business takes one first, as the book's interfaces do.
 */
export interface Ctx {
  readonly signal?: AbortSignal;
  readonly values: ReadonlyMap<unknown, unknown>;
}

/** A context with nothing in it: a caller that cannot give up. */
export const background = (): Ctx => ({ values: new Map() });

/** A caller that gave up starts nothing: its answer would go nowhere. */
export const stillWanted = (ctx: Ctx) => ctx.signal?.throwIfAborted();
