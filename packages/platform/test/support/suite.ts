import { afterAll, beforeAll } from 'vitest';

/**
 * What `open` gives, opened before the tests of the enclosing `describe` and closed after them. The object
 * returned is filled in by `beforeAll`: read it inside tests and hooks, not while the suite is being collected.
 */
export function openedForSuite<T extends { close(): Promise<void> }>(open: () => Promise<T>): T {
  const opened = {} as T;
  beforeAll(async () => {
    Object.assign(opened, await open());
  });
  afterAll(() => (opened as Partial<T>).close?.());
  return opened;
}
