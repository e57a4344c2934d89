import { renewedToken } from '@tessera/platform/identity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

describe('renewedToken', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  const issuing = (expiresIn = 900) => {
    let issued = 0;
    const issue = vi.fn(async () => ({ access_token: `token-${++issued}`, expires_in: expiresIn }));
    return { issue, token: renewedToken(issue) };
  };

  it('reuses a token until a minute before it expires, then issues another', async () => {
    const { issue, token } = issuing();
    expect(await token()).toBe('token-1');
    vi.advanceTimersByTime(839_000);
    expect(await token()).toBe('token-1');
    vi.advanceTimersByTime(1_000);
    expect(await token()).toBe('token-2');
    expect(issue).toHaveBeenCalledTimes(2);
  });

  it('issues once for calls at the same moment', async () => {
    const { issue, token } = issuing();
    expect(await Promise.all([token(), token(), token()])).toEqual(['token-1', 'token-1', 'token-1']);
    expect(issue).toHaveBeenCalledTimes(1);
  });

  it('keeps no failure: the next call issues again', async () => {
    let fail = true;
    const token = renewedToken(async () => {
      if (fail) throw new Error('the provider is away');
      return { access_token: 'late', expires_in: 900 };
    });
    await expect(token()).rejects.toThrow('the provider is away');
    fail = false;
    expect(await token()).toBe('late');
  });

  it('issues every time a token lives less than a minute', async () => {
    const { issue, token } = issuing(30);
    await token();
    await token();
    expect(issue).toHaveBeenCalledTimes(2);
  });
});
