import { eventually } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';

describe('eventually', () => {
  it('answers the first value the condition accepts, read again until then', async () => {
    let reads = 0;
    expect(
      await eventually(
        'the third read',
        async () => ++reads,
        (value) => value === 3,
      ),
    ).toBe(3);
    expect(reads).toBe(3);
  });

  it('fails with what it last saw when the condition never holds', async () => {
    let reads = 0;
    await expect(
      eventually(
        'three is four',
        async () => ++reads,
        () => false,
        100,
      ),
    ).rejects.toThrow(/timed out waiting until three is four; last: \d+/);
    expect(reads).toBeGreaterThan(1);
  });
});
