import { mapPage, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageOf } from '@tessera/platform/ddd';
import { pageAnswer, pageQuery, pageRequest } from '@tessera/platform/http';
import { isTimestampKey } from '@tessera/platform/sql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const query = z.strictObject(pageQuery);
const rows = ['a', 'b', 'c'].map((id) => ({ id }));

describe('pages of a list', () => {
  it('takes limit from 1 to 100, 50 when absent, and after as it is', () => {
    expect(query.parse({})).toEqual({ limit: PAGE_LIMIT_DEFAULT });
    expect(PAGE_LIMIT_DEFAULT).toBe(50);
    expect(query.parse({ limit: '100', after: 'x' })).toEqual({ limit: PAGE_LIMIT_MAX, after: 'x' });
    for (const limit of ['0', '101', '1.5', 'ten']) expect(query.safeParse({ limit }).success).toBe(false);
  });

  it('gives the key of the last item only when the rows hold one more than the page', () => {
    expect(pageOf(rows, 2, (row) => [row.id])).toEqual({ items: rows.slice(0, 2), next: ['b'] });
    expect(pageOf(rows, 3, (row) => [row.id])).toEqual({ items: rows });
    expect(pageOf([], 3, (row: { id: string }) => [row.id])).toEqual({ items: [] });
    expect(mapPage({ items: rows, next: ['c'] }, (row) => row.id)).toEqual({
      items: ['a', 'b', 'c'],
      next: ['c'],
    });
  });

  it('round-trips the key through an opaque cursor, and refuses what it did not give as a 400 naming after', () => {
    const answer = pageAnswer('things', {
      items: rows.slice(0, 2),
      next: ['2026-01-01T00:00:00.000000Z', 'b'],
    });
    expect(answer.things).toEqual(rows.slice(0, 2));
    expect(answer.next).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pageRequest({ limit: 2, after: answer.next! }, 2)).toEqual({
      limit: 2,
      after: ['2026-01-01T00:00:00.000000Z', 'b'],
    });
    expect(pageAnswer('things', { items: [] })).toEqual({ things: [] });
    expect(pageRequest({ limit: 7 }, 2)).toEqual({ limit: 7 });

    const refused = (after: string, check?: (key: readonly string[]) => boolean) => {
      try {
        pageRequest({ limit: 2, after }, 2, check);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const after of [
      'not a cursor!',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('["a"]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
    ]) {
      expect(refused(after), after).toMatchObject({
        kind: 'invalid_argument',
        code: 'bad_cursor',
        field: 'after',
      });
    }
    const wrongTime = Buffer.from('["2026-13-45T99:00:00.000000Z","b"]').toString('base64url');
    expect(refused(wrongTime, ([at]) => isTimestampKey(at!))).toMatchObject({ code: 'bad_cursor' });
  });
});
