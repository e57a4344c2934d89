import { defaultBackoff } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { checkSubjectPatterns, subjectMatches } from '../../src/messaging/broker.js';

describe('subject patterns', () => {
  it('match exactly, or by a prefix of whole tokens followed by at least one more', () => {
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
    expect(subjectMatches('a.b', 'a.bc')).toBe(false);
    expect(subjectMatches('a.>', 'a.b')).toBe(true);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.>', 'ab.c')).toBe(false);
    expect(subjectMatches('a_b.>', 'axb.c')).toBe(false);
    expect(subjectMatches('>', 'anything.at.all')).toBe(true);
  });

  it('are checked when subscribing', () => {
    expect(() => checkSubjectPatterns(['a.b', 'a.>', '>'])).not.toThrow();
    for (const bad of ['a.*', 'a.>.b', 'a>', '.a', 'a..b', '']) {
      expect(() => checkSubjectPatterns([bad])).toThrow();
    }
    expect(() => checkSubjectPatterns([])).toThrow();
  });
});

describe('the default backoff', () => {
  it('doubles from 100 ms and stops at 30 s', () => {
    expect([1, 2, 3, 4].map(defaultBackoff)).toEqual([100, 200, 400, 800]);
    expect(defaultBackoff(20)).toBe(30_000);
  });
});
