import { describe, expect, it } from 'vitest';
import { createGroupCommitter } from '../src/eventstore/group-commit.js';

describe('group commit', () => {
  it('flushes a lone request at once and groups those that arrive during a flush', async () => {
    const batches: number[][] = [];
    const committer = createGroupCommitter<number, string>(
      async (batch) => {
        batches.push(batch);
        await new Promise((resolve) => setImmediate(resolve));
        return batch.map((n) => `done ${n}`);
      },
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    const first = committer.submit(1);
    const rest = [2, 3, 4].map((n) => committer.submit(n));
    expect(await Promise.all([first, ...rest])).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch by weight and fails only the requests a flush reports as failed', async () => {
    const batches: number[][] = [];
    const committer = createGroupCommitter<number, number>(
      async (batch) => {
        batches.push(batch);
        return batch.map((n) => (n === 3 ? new Error('three is refused') : n * 10));
      },
      { maxBatchWeight: 5, weigh: (n) => n },
    );
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => committer.submit(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      10,
      20,
      'three is refused',
      40,
    ]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
    await committer.drain();
  });

  it('rejects the whole batch when the flush itself fails, and keeps serving afterwards', async () => {
    let fail = true;
    const committer = createGroupCommitter<number, number>(
      async (batch) => {
        if (fail) {
          fail = false;
          throw new Error('connection lost');
        }
        return batch;
      },
      { maxBatchWeight: 10, weigh: () => 1 },
    );
    await expect(committer.submit(1)).rejects.toThrow('connection lost');
    expect(await committer.submit(2)).toBe(2);
  });
});
