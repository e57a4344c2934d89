import { found, notFound } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';

describe('found', () => {
  const missing = () => notFound('thing_not_found', 'no thing with that ID');

  it('gives what the look-up found, falsy values included', () => {
    expect(found({ id: 'a' }, missing)).toEqual({ id: 'a' });
    expect(found(0, missing)).toBe(0);
    expect(found('', missing)).toBe('');
  });

  it('throws the rule error when the look-up found nothing', () => {
    expect(() => found(undefined, missing)).toThrow(expect.objectContaining({ code: 'thing_not_found' }));
  });
});
