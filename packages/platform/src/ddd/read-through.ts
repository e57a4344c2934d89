/**
 * A local copy of another context's data (a cache fed by its events, spec "fallback semantics"), as a look-up
 * through it needs it. `@tessera/platform/sql`'s `localCopy` is one, kept in a table of the module's schema.
 */
export interface LocalCopy<Value> {
  find(id: string): Promise<Value | undefined>;
  /** The copy's clock, read just before asking the other context. */
  now(): Promise<Date>;
  /** Keeps a value fetched from the other context, unless an event about its id was handled since `since`. */
  remember(value: Value, since: Date): Promise<void>;
}

/**
 * A look-up through a local copy: the copy first; on a miss, the other context, and the answer is remembered.
 * The copy's clock is read BEFORE asking, and `remember` gets it, so that the copy can refuse a fetched value
 * that an event handled meanwhile may have outdated. No I/O here: the caller passes its copy and its client.
 */
export function readThrough<Value>(
  copy: LocalCopy<Value>,
  source: {
    readonly fetch: (id: string) => Promise<Value | undefined>;
    /** The error for an id neither the copy nor the other context knows. */
    readonly missing: (id: string) => Error;
  },
): (id: string) => Promise<Value> {
  return async (id) => {
    const hit = await copy.find(id);
    if (hit) return hit;
    const since = await copy.now();
    const found = await source.fetch(id);
    if (!found) throw source.missing(id);
    await copy.remember(found, since);
    return found;
  };
}
