import { expect } from 'vitest';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../ddd/index.js';
import { expectProblem, type TestHost } from './http.js';

type Item = Record<string, unknown>;

/** Where a list answer has its items: the key they are under, or how to find them (HAL's `_embedded`). */
export type ListItems = string | ((answer: Record<string, unknown>) => Item[]);

const itemsOf = (answer: Record<string, unknown>, items: ListItems) =>
  typeof items === 'string' ? (answer[items] as Item[]) : items(answer);

/** Every page of a list route, walked with `?limit=` (and the route's own query), in order. */
export async function walkPages(
  api: TestHost,
  url: string,
  items: ListItems,
  limit: number,
): Promise<Array<{ items: Item[]; next?: string }>> {
  const pages: Array<{ items: Item[]; next?: string }> = [];
  let after: string | undefined;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const query = `limit=${limit}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
    const response = await api.call('GET', `${url}${separator}${query}`);
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json<Record<string, unknown> & { next?: string }>();
    const page = { items: itemsOf(answer, items), ...(answer.next ? { next: answer.next } : {}) };
    pages.push(page);
    after = page.next;
    // A list that never ends is a failure, not a hang.
    expect(pages.length).toBeLessThan(10_000);
  } while (after !== undefined);
  return pages;
}

/**
 * Asserts that a list route pages as every list route does (ADR 0023): `limit` from 1 to 100, 50 by default,
 * anything else a 400 naming it; `after` a cursor the list gave, anything else a 400 naming it; and walking
 * the pages gives every item once, each page full but the last. `url` may carry the route's own query.
 * With `atLeast` above 50 items in the list, it also checks that a page without `limit` has 50.
 * Resolves with every item's id (`idOf`, by default its `id`), in the list's order.
 */
export async function expectPagedList(
  api: TestHost,
  url: string,
  items: ListItems,
  options: { atLeast: number; idOf?: (item: Item) => string },
): Promise<string[]> {
  const idOf = options.idOf ?? ((item: Item) => String(item.id));
  const separator = url.includes('?') ? '&' : '?';
  for (const limit of ['0', String(PAGE_LIMIT_MAX + 1), 'many']) {
    expectProblem(await api.call('GET', `${url}${separator}limit=${limit}`), 400, {
      field: 'querystring.limit',
    });
  }
  for (const after of ['not-a-cursor', Buffer.from('[1]').toString('base64url')]) {
    expectProblem(await api.call('GET', `${url}${separator}after=${after}`), 400, {
      code: 'bad_cursor',
      field: 'querystring.after',
    });
  }

  const all = (await walkPages(api, url, items, PAGE_LIMIT_MAX)).flatMap((page) => page.items.map(idOf));
  expect(all.length).toBeGreaterThanOrEqual(options.atLeast);
  expect(new Set(all).size, 'an item was listed twice').toBe(all.length);

  const small = 7;
  const pages = await walkPages(api, url, items, small);
  expect(pages.slice(0, -1).every((page) => page.items.length === small && page.next)).toBe(true);
  expect(pages.at(-1)!.items.length).toBeLessThanOrEqual(small);
  expect(pages.flatMap((page) => page.items.map(idOf))).toEqual(all);

  const first = await api.call('GET', url);
  const page = first.json<Record<string, unknown> & { next?: string }>();
  const expected = Math.min(all.length, PAGE_LIMIT_DEFAULT);
  expect(itemsOf(page, items).map(idOf)).toEqual(all.slice(0, expected));
  expect(page.next !== undefined).toBe(all.length > PAGE_LIMIT_DEFAULT);
  if (options.atLeast > PAGE_LIMIT_DEFAULT) expect(itemsOf(page, items).length).toBe(PAGE_LIMIT_DEFAULT);
  return all;
}
