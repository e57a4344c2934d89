import { describe, expect, it } from 'vitest';
import { failureSchedule } from '../../src/partnerships/domain/hotels.js';

const draws = (schedule: () => boolean, count: number) => Array.from({ length: count }, schedule);

describe("the partner's failure schedule", () => {
  it('fails about the share it is given', () => {
    const failures = draws(failureSchedule(0.2, 7), 10_000).filter(Boolean).length;
    expect(failures).toBeGreaterThan(1_800);
    expect(failures).toBeLessThan(2_200);
  });

  it('fails the same calls for the same seed, and others for another', () => {
    expect(draws(failureSchedule(0.2, 42), 200)).toEqual(draws(failureSchedule(0.2, 42), 200));
    expect(draws(failureSchedule(0.2, 43), 200)).not.toEqual(draws(failureSchedule(0.2, 42), 200));
  });

  it('never fails at 0 and always fails at 1', () => {
    expect(draws(failureSchedule(0, 1), 500).some(Boolean)).toBe(false);
    expect(draws(failureSchedule(1, 1), 500).every(Boolean)).toBe(true);
  });
});
