import { readThrough } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';

/** A copy and a source that record the order of what happens, to check the clock is read before asking. */
function world(copy: Record<string, string>, source: Record<string, string>) {
  const log: string[] = [];
  let tick = 0;
  const lookUp = readThrough<string>(
    {
      find: async (id) => {
        log.push(`cached ${id}`);
        return copy[id];
      },
      now: async () => {
        log.push('now');
        return new Date(++tick * 1000);
      },
      remember: async (value, since) => {
        log.push(`remember ${value} since ${since.getTime()}`);
        copy[value.toLowerCase()] = value;
      },
    },
    {
      fetch: async (id) => {
        log.push(`fetch ${id}`);
        return source[id];
      },
      missing: (id) => new Error(`unknown ${id}`),
    },
  );
  return { log, lookUp };
}

describe('readThrough', () => {
  it('answers from the copy when it has the id, without asking', async () => {
    const { log, lookUp } = world({ a: 'A' }, { a: 'other' });
    expect(await lookUp('a')).toBe('A');
    expect(log).toEqual(['cached a']);
  });

  it('on a miss reads the clock, then asks, then remembers with the time read before asking', async () => {
    const { log, lookUp } = world({}, { b: 'B' });
    expect(await lookUp('b')).toBe('B');
    expect(log).toEqual(['cached b', 'now', 'fetch b', 'remember B since 1000']);
    // Remembered: the next look-up is a hit.
    expect(await lookUp('b')).toBe('B');
    expect(log.at(-1)).toBe('cached b');
  });

  it('throws the missing error when neither the copy nor the source knows the id, and remembers nothing', async () => {
    const { log, lookUp } = world({}, {});
    await expect(lookUp('c')).rejects.toThrow('unknown c');
    expect(log).toEqual(['cached c', 'now', 'fetch c']);
  });
});
