/**
 * Go's `context.Context`, as the book's examples take it first: a cancellation signal, and values a caller
 * hands down (the logged-in customer `BookingAppService` reads). Immutable: `withValue` makes a new one.
 */
export interface Ctx {
  readonly signal?: AbortSignal;
  readonly values: ReadonlyMap<unknown, unknown>;
}

/** Go's `context.Background()`: no deadline, no values. */
export const Background = (): Ctx => ({ values: new Map() });

/** Go's `context.WithValue`: the same context with one more value. */
export const withValue = (ctx: Ctx, key: unknown, value: unknown): Ctx => ({
  ...ctx,
  values: new Map([...ctx.values, [key, value]]),
});

/** Go's `context.WithCancel`, for a signal: the same context, cancelled when `signal` aborts. */
export const withSignal = (ctx: Ctx, signal: AbortSignal): Ctx => ({ ...ctx, signal });
