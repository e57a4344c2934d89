/**
 * Lists are read a page at a time, by keyset: in a stable order (a sort key that ends with a unique id), at
 * most `limit` items after the key of the last item the reader saw. Unlike an offset, a key stays right when
 * items are added or removed between pages: walking every page gives every item that stayed, once.
 */

/** The largest page a list gives, and the size of a page whose reader asks for none. */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 50;

/** Which page: at most `limit` items, after the item whose sort key is `after` (from the first without it). */
export interface PageRequest {
  readonly limit: number;
  readonly after?: readonly string[];
}

/** A page of a list: its items, and the sort key of its last item when more follow (absent on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly next?: readonly string[];
}

/**
 * The page of `rows`, read with a LIMIT of `limit + 1`: the one row more than asked says that more follow,
 * without counting them.
 */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (item: T) => readonly string[]): Page<T> {
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, next: keyOf(items[items.length - 1]!) } : { items };
}

/** The page's items in another form (the answer's DTOs), with the same `next`. */
export const mapPage = <T, U>(page: Page<T>, map: (item: T) => U): Page<U> => ({
  ...page,
  items: page.items.map(map),
});
