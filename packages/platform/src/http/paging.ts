import { z } from 'zod';
import {
  invalidArgument,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  type Page,
  type PageRequest,
} from '../ddd/index.js';

/**
 * Every list route pages alike (ADR 0023): `?limit=` (1 to 100, 50 when absent) and `?after=` (the `next` of
 * the previous page; absent: the first page). The answer holds the page's items and `next`, absent on the
 * last page. Spread `pageQuery` into the route's query schema.
 */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT)
    .describe(`Items per page, 1 to ${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`),
  after: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe('The `next` of the previous page; absent: the first page'),
};

/** The `next` of a list route's answer. */
export const nextPage = z
  .string()
  .optional()
  .describe('Pass it as `after` for the next page; absent on the last page');

/**
 * A cursor is the sort key of the last item of a page, opaque to clients: base64url JSON. It is checked on the
 * way back in, so a cursor this API did not give is a 400 naming `after`, never a database error.
 */
const encodeCursor = (key: readonly string[]): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function decodeCursor(cursor: string, length: number): string[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const valid =
      Array.isArray(key) &&
      key.length === length &&
      key.every((part) => typeof part === 'string' && part.length <= 300);
    return valid ? (key as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The page a list route's query asks for. `keyLength` is how many parts its sort key has; `check` may refuse a
 * key whose parts do not fit the list (a timestamp that is none), which the database would refuse less kindly.
 */
export function pageRequest(
  query: { limit: number; after?: string | undefined },
  keyLength: number,
  check: (key: readonly string[]) => boolean = () => true,
): PageRequest {
  if (query.after === undefined) return { limit: query.limit };
  const after = decodeCursor(query.after, keyLength);
  if (!after || !check(after)) {
    throw invalidArgument('bad_cursor', 'after is not a cursor this list gave', 'after');
  }
  return { limit: query.limit, after };
}

/** A list route's answer: its items under `name`, and `next` when more follow. */
export function pageAnswer<T, N extends string>(name: N, page: Page<T>): Record<N, T[]> & { next?: string } {
  const answer = { [name]: page.items } as Record<N, T[]> & { next?: string };
  if (page.next) answer.next = encodeCursor(page.next);
  return answer;
}
