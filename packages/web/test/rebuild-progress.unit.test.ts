import { describe, expect, it } from 'vitest';
import { rebuildStanding } from '../src/operations/rebuild-progress.js';

const BEFORE = '2026-01-01T00:00:00.000Z';
const AFTER = '2026-01-01T00:05:00.000Z';
const followed = { name: 'search.orders', before: BEFORE };
const other = { name: 'search.stores', rebuilding: false, lastRebuiltAt: AFTER };

describe('how a rebuild the console asked for stands in the live stream', () => {
  it('is running while its projection says so, whatever its dates', () => {
    expect(
      rebuildStanding(followed, [other, { name: 'search.orders', rebuilding: true, lastRebuiltAt: AFTER }]),
    ).toBe('running');
  });

  it('has not begun in an event from before it started: not rebuilding, the same last rebuild', () => {
    expect(
      rebuildStanding(followed, [{ name: 'search.orders', rebuilding: false, lastRebuiltAt: BEFORE }]),
    ).toBe('not begun');
    expect(
      rebuildStanding({ name: 'search.orders', before: undefined }, [
        { name: 'search.orders', rebuilding: false },
      ]),
    ).toBe('not begun');
    expect(rebuildStanding(followed, [other])).toBe('not begun');
  });

  it('is over once its projection stopped rebuilding after a new rebuild, seen running or not', () => {
    expect(
      rebuildStanding(followed, [{ name: 'search.orders', rebuilding: false, lastRebuiltAt: AFTER }]),
    ).toBe('over');
    expect(
      rebuildStanding({ name: 'search.orders', before: undefined }, [
        { name: 'search.orders', rebuilding: false, lastRebuiltAt: AFTER },
      ]),
    ).toBe('over');
  });
});
