import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/depot/module.js';

describe('the bot timeout setting (DEPOT_BOT_TIMEOUT)', () => {
  it('reads milliseconds, seconds, minutes and hours', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(' 2m ')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('250')).toBe(250);
  });

  it('refuses anything else, saying what it expects', () => {
    for (const text of ['', 'soon', '-1s', '10 days', '5x']) {
      expect(() => parseDuration(text)).toThrowError(/not a duration/);
    }
  });
});
