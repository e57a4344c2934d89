import { describe, expect, it } from 'vitest';
import { type Activity, pickActivity, REFERENCE_MIX } from '../../../tools/busywork/activities.js';
import { between, pickWeighted, seededRandom } from '../../../tools/busywork/random.js';

const draws = (seed: number, count: number, mix: 'reference' | 'buy' = 'reference') => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => pickActivity(random, mix));
};

describe('the weighted activity picker', () => {
  it('picks each activity in its reference share (within 1.5 points over 40,000 draws)', () => {
    const picked = draws(1, 40_000);
    const counts = new Map<Activity, number>();
    for (const activity of picked) counts.set(activity, (counts.get(activity) ?? 0) + 1);
    const expected: Record<Activity, number> = {
      browse: 0.375,
      buy: 0.125,
      registerCustomer: 0.2,
      setUpStore: 0.05,
      addProducts: 0.15,
      rebrandStore: 0.05,
      rebrandProduct: 0.05,
    };
    for (const [activity, share] of Object.entries(expected)) {
      expect(
        Math.abs((counts.get(activity as Activity) ?? 0) / picked.length - share),
        activity,
      ).toBeLessThan(0.015);
    }
    expect(REFERENCE_MIX.reduce((sum, [, weight]) => sum + weight, 0)).toBeCloseTo(1, 10);
  });

  it('gives the same activities for the same seed, and others for another seed', () => {
    expect(draws(42, 200)).toEqual(draws(42, 200));
    expect(draws(43, 200)).not.toEqual(draws(42, 200));
  });

  it('only buys in the buy mix', () => {
    expect(new Set(draws(7, 1_000, 'buy'))).toEqual(new Set(['buy']));
  });

  it('never picks a choice of weight 0, and keeps numbers in range', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 5_000; i++) {
      expect(
        pickWeighted(random, [
          ['a', 1],
          ['never', 0],
          ['b', 3],
        ] as const),
      ).not.toBe('never');
      const n = between(random, 2, 5);
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(5);
    }
  });

  it('draws uniformly in [0, 1)', () => {
    const random = seededRandom(9);
    const values = Array.from({ length: 20_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});
