import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchPacer } from '../src/pacing/batch-pacer.js';

describe('a batch pacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Whether `promise` has settled once the microtasks queued so far have run. */
  const settled = async (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    return done;
  };

  it('starts the first batch at once, and the next only once the interval has passed since it', async () => {
    const pacer = batchPacer(50);
    expect(await settled(pacer.next())).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    const second = pacer.next();
    expect(await settled(second)).toBe(false);
    await vi.advanceTimersByTimeAsync(29);
    expect(await settled(second)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(second)).toBe(true);
  });

  it('starts at once when told to, or after a quiet spell, and a hurry ends a wait', async () => {
    const pacer = batchPacer(50);
    await pacer.next();
    expect(await settled(pacer.next(true))).toBe(true);
    const waiting = pacer.next();
    expect(await settled(waiting)).toBe(false);
    pacer.hurry();
    expect(await settled(waiting)).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    expect(await settled(pacer.next())).toBe(true);
  });

  it('never waits with an interval of 0', async () => {
    const pacer = batchPacer(0);
    await pacer.next();
    expect(await settled(pacer.next())).toBe(true);
  });
});
