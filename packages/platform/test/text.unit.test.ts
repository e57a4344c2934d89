import { isDomainError, nonBlank } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';

describe('nonBlank', () => {
  it('gives the text trimmed', () => {
    expect(nonBlank('  Ada ', 'name_blank', 'the name cannot be blank', 'name')).toBe('Ada');
  });

  it.each(['', '   ', '\t\n'])('refuses %j with the rule as an invalid argument', (value) => {
    try {
      nonBlank(value, 'name_blank', 'the name cannot be blank', 'name');
      expect.unreachable();
    } catch (error) {
      expect(isDomainError(error)).toBe(true);
      expect(error).toMatchObject({
        kind: 'invalid_argument',
        code: 'name_blank',
        message: 'the name cannot be blank',
        field: 'name',
      });
    }
  });
});
