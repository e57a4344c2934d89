import { logFormatOf } from '@tessera/platform/observability';
import { describe, expect, it } from 'vitest';

describe('the log format', () => {
  it('is pretty for a person at a terminal, JSON for whatever collects the output', () => {
    expect(logFormatOf(undefined, true)).toBe('pretty');
    expect(logFormatOf(undefined, false)).toBe('json');
    // A stream that is not a terminal has no isTTY at all.
    expect(logFormatOf(undefined, undefined)).toBe('json');
  });

  it('is what LOG_FORMAT says, whatever stdout is', () => {
    expect(logFormatOf('json', true)).toBe('json');
    expect(logFormatOf('pretty', false)).toBe('pretty');
    expect(logFormatOf('pretty', undefined)).toBe('pretty');
  });
});
