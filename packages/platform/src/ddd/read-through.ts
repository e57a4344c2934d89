/**
 * A look-up through a local copy of another context's data (a cache fed by its events, spec "fallback
 * semantics"): the copy first; on a miss, the other context, and the answer is remembered. The copy's clock
 * is read BEFORE asking, and `remember` gets it, so that the copy can refuse a fetched value that an event
 * handled meanwhile may have outdated. No I/O here: the caller passes its cache and its client.
 */
export function readThrough<Value>(source: {
  readonly cached: (id: string) => Promise<Value | undefined>;
  readonly now: () => Promise<Date>;
  readonly fetch: (id: string) => Promise<Value | undefined>;
  readonly remember: (value: Value, since: Date) => Promise<void>;
  /** The error for an id neither the copy nor the other context knows. */
  readonly missing: (id: string) => Error;
}): (id: string) => Promise<Value> {
  return async (id) => {
    const hit = await source.cached(id);
    if (hit) return hit;
    const since = await source.now();
    const found = await source.fetch(id);
    if (!found) throw source.missing(id);
    await source.remember(found, since);
    return found;
  };
}
