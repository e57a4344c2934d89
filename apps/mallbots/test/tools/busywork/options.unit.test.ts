import { describe, expect, it } from 'vitest';
import { durationMs, parseOptions } from '../../../tools/busywork/main.js';

describe('the command line', () => {
  it('reads durations in ms, s, m or bare seconds', () => {
    expect(durationMs('60s', '--duration')).toBe(60_000);
    expect(durationMs('500ms', '--pace')).toBe(500);
    expect(durationMs('2m', '--drain')).toBe(120_000);
    expect(durationMs('0', '--pace')).toBe(0);
    expect(durationMs('1.5', '--pace')).toBe(1_500);
    expect(() => durationMs('soon', '--duration')).toThrow(/--duration must be a duration/);
  });

  it('takes the options, with the seed given', () => {
    expect(
      parseOptions([
        '--clients',
        '12',
        '--duration',
        '30s',
        '--pace',
        '0',
        '--seed',
        '9',
        '--mix',
        'buy',
        '--json',
      ]),
    ).toEqual({ clients: 12, seed: 9, json: true, durationMs: 30_000, paceMs: 0, mix: 'buy' });
  });

  it('refuses clients out of 1–100, an unknown mix, a bad url or seed, and unknown options', () => {
    expect(() => parseOptions(['--clients', '0'])).toThrow(/--clients must be a whole number 1–100/);
    expect(() => parseOptions(['--clients', '101'])).toThrow(/--clients/);
    expect(() => parseOptions(['--mix', 'shop'])).toThrow(/--mix must be one of reference, buy/);
    expect(() => parseOptions(['--url', 'localhost:8080'])).toThrow(/--url must be an http/);
    expect(() => parseOptions(['--seed', 'x'])).toThrow(/--seed/);
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus/);
  });
});
