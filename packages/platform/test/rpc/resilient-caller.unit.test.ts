import { Code, ConnectError } from '@connectrpc/connect';
import { metricsRegistry } from '@tessera/platform/observability';
import type { ResilienceOptions } from '@tessera/platform/rpc';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { resilientCaller } from '../../src/rpc/client.js';

/** A caller on a fake clock: sleeping advances it, so backoff and cool-downs take no real time. */
function harness(overrides: Partial<ResilienceOptions> = {}) {
  let clock = 1_000_000;
  const slept: number[] = [];
  const logs: Array<{ msg: string; state?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const target = `target-${Math.random().toString(36).slice(2)}`;
  const caller = resilientCaller({
    target,
    caller: 'test',
    logger,
    failureThreshold: 3,
    coolDownMs: 10_000,
    maxAttempts: 4,
    baseBackoffMs: 100,
    maxBackoffMs: 1_000,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    random: () => 1,
    ...overrides,
  });
  return {
    caller,
    target,
    slept,
    logs,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

/** An attempt that always fails with `code`; its `attempts` counts how often it was made. */
const failing = (code: Code) => {
  const attempt = Object.assign(
    async () => {
      attempt.attempts++;
      throw new ConnectError('no', code);
    },
    { attempts: 0 },
  );
  return attempt;
};

async function codeOf(promise: Promise<unknown>): Promise<Code> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('the call succeeded');
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('resilientCaller: retries', () => {
  it('answers at the first attempt, giving the attempt its timeout', async () => {
    const { caller, target } = harness({ timeoutMs: 750 });
    const seen: number[] = [];
    const answer = await caller.call('Get', async ({ timeoutMs }) => {
      seen.push(timeoutMs);
      return 'answer';
    });
    expect(answer).toBe('answer');
    expect(seen).toEqual([750]);
    expect(await metric('rpc_client_calls_total', { target, method: 'Get', outcome: 'ok' })).toBe(1);
  });

  it.each([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted, Code.Aborted])(
    'retries %s with exponential backoff, then answers',
    async (code) => {
      const { caller, slept, target } = harness({ failureThreshold: 10 });
      let attempts = 0;
      const answer = await caller.call('Get', async () => {
        attempts++;
        if (attempts < 4) throw new ConnectError('not now', code);
        return attempts;
      });
      expect(answer).toBe(4);
      expect(slept).toEqual([100, 200, 400]);
      expect(await metric('rpc_client_retries_total', { target, method: 'Get' })).toBe(3);
    },
  );

  it('gives up after the last attempt with the last error, the backoff capped', async () => {
    const { caller, slept, target } = harness({ failureThreshold: 10, maxAttempts: 6, maxBackoffMs: 300 });
    const down = failing(Code.Unavailable);
    const code = await codeOf(caller.call('Get', down));
    expect(code).toBe(Code.Unavailable);
    expect(down.attempts).toBe(6);
    expect(slept).toEqual([100, 200, 300, 300, 300]);
    expect(await metric('rpc_client_calls_total', { target, outcome: 'unavailable' })).toBe(1);
  });

  it('waits a random part of the backoff (full jitter)', async () => {
    const { caller, slept } = harness({ random: () => 0.25, failureThreshold: 10 });
    await codeOf(caller.call('Get', failing(Code.Unavailable)));
    expect(slept).toEqual([25, 50, 100]);
  });

  it.each([
    Code.NotFound,
    Code.InvalidArgument,
    Code.FailedPrecondition,
    Code.PermissionDenied,
    Code.Internal,
    Code.Unimplemented,
  ])('never retries %s', async (code) => {
    const { caller, slept } = harness();
    const answered = failing(code);
    const failed = await codeOf(caller.call('Get', answered));
    expect(failed).toBe(code);
    expect(answered.attempts).toBe(1);
    expect(slept).toEqual([]);
  });

  it('does not retry a call its caller canceled', async () => {
    const { caller, slept } = harness();
    const cancel = new AbortController();
    let attempts = 0;
    const code = await codeOf(
      caller.call(
        'Get',
        async () => {
          attempts++;
          cancel.abort();
          throw new ConnectError('canceled', Code.Canceled);
        },
        cancel.signal,
      ),
    );
    expect(code).toBe(Code.Canceled);
    expect(attempts).toBe(1);
    expect(slept).toEqual([]);
  });

  it('retries a stream the server refused (REFUSED_STREAM, which Connect reports as Internal)', async () => {
    const { caller, slept } = harness();
    let attempts = 0;
    const answer = await caller.call('Get', async () => {
      attempts++;
      if (attempts === 1) {
        throw new ConnectError('Stream closed with error code NGHTTP2_REFUSED_STREAM', Code.Internal);
      }
      return 'answer';
    });
    expect(answer).toBe('answer');
    expect(slept).toHaveLength(1);
  });

  it('turns an error that is not a ConnectError into Unknown, not retried', async () => {
    const { caller } = harness();
    let attempts = 0;
    const code = await codeOf(
      caller.call('Get', async () => {
        attempts++;
        throw new TypeError('bug');
      }),
    );
    expect(code).toBe(Code.Unknown);
    expect(attempts).toBe(1);
  });
});

describe('resilientCaller: circuit breaker', () => {
  it('opens after the threshold of consecutive failures, then fails fast without calling', async () => {
    const { caller, logs, target } = harness({ maxAttempts: 1 });
    for (let n = 0; n < 3; n++) {
      expect(caller.state()).toBe('closed');
      expect(await codeOf(caller.call('Get', failing(Code.Unavailable)))).toBe(Code.Unavailable);
    }
    expect(caller.state()).toBe('open');
    let called = false;
    const error = await caller
      .call('Get', async () => {
        called = true;
      })
      .catch((thrown: unknown) => ConnectError.from(thrown));
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.Unavailable);
    expect((error as ConnectError).rawMessage).toMatch(/circuit open/);
    expect(logs.filter((line) => line.state === 'open').map((line) => line.msg)).toEqual([
      'rpc circuit opened: calls fail fast',
    ]);
    expect(await metric('rpc_client_circuit_state', { target })).toBe(2);
    expect(await metric('rpc_client_calls_total', { target, outcome: 'circuit_open' })).toBe(1);
  });

  it('stops retrying a call as soon as its failures open the breaker', async () => {
    const { caller, slept } = harness({ failureThreshold: 2, maxAttempts: 5 });
    const down = failing(Code.Unavailable);
    await codeOf(caller.call('Get', down));
    expect(down.attempts).toBe(2);
    expect(slept).toEqual([100]);
    expect(caller.state()).toBe('open');
  });

  it('counts only consecutive failures: an answer in between resets them', async () => {
    const { caller } = harness({ maxAttempts: 1 });
    for (let n = 0; n < 4; n++) {
      await codeOf(caller.call('Get', failing(Code.Unavailable)));
      await codeOf(caller.call('Get', failing(Code.Unavailable)));
      // NotFound is an answer: the server is up.
      await codeOf(caller.call('Get', failing(Code.NotFound)));
    }
    expect(caller.state()).toBe('closed');
  });

  it('lets one trial through after the cool-down, and closes when it succeeds', async () => {
    const { caller, advance, logs, target } = harness({ maxAttempts: 1 });
    for (let n = 0; n < 3; n++) await codeOf(caller.call('Get', failing(Code.Unavailable)));
    advance(9_999);
    expect(await codeOf(caller.call('Get', async () => 'early'))).toBe(Code.Unavailable);
    advance(1);
    expect(caller.state()).toBe('half_open');

    let release: (value: string) => void = () => {};
    const trial = caller.call('Get', () => new Promise<string>((resolve) => (release = resolve)));
    expect(await metric('rpc_client_circuit_state', { target })).toBe(1);
    // While the trial is out, others still fail fast.
    let second = false;
    expect(
      await codeOf(
        caller.call('Get', async () => {
          second = true;
        }),
      ),
    ).toBe(Code.Unavailable);
    expect(second).toBe(false);
    release('back');
    expect(await trial).toBe('back');
    expect(caller.state()).toBe('closed');
    expect(await caller.call('Get', async () => 'normal')).toBe('normal');
    expect(logs.map((line) => line.state).filter(Boolean)).toEqual(['open', 'half_open', 'closed']);
    expect(await metric('rpc_client_circuit_state', { target })).toBe(0);
  });

  it('opens again when the trial fails, for a whole new cool-down', async () => {
    const { caller, advance } = harness({ maxAttempts: 3 });
    for (let n = 0; n < 3; n++) await codeOf(caller.call('Get', failing(Code.Unavailable)));
    expect(caller.state()).toBe('open');
    advance(10_000);
    const stillDown = failing(Code.Unavailable);
    await codeOf(caller.call('Get', stillDown));
    // The trial is one attempt, not retried.
    expect(stillDown.attempts).toBe(1);
    expect(caller.state()).toBe('open');
    advance(9_999);
    expect(caller.state()).toBe('open');
    advance(1);
    expect(await caller.call('Get', async () => 'ok')).toBe('ok');
    expect(caller.state()).toBe('closed');
  });
});

describe('resilientCaller: the time an attempt and the waits take', () => {
  it('ends an attempt that outlasts its timeout as DeadlineExceeded, aborting it, and retries it', async () => {
    const { caller, slept } = harness({ timeoutMs: 20, maxAttempts: 2, failureThreshold: 10 });
    const signals: AbortSignal[] = [];
    const code = await codeOf(
      caller.call('Get', ({ signal }) => {
        if (signal) signals.push(signal);
        return new Promise(() => {}); // a server that never answers, nor listens to the signal
      }),
    );
    expect(code).toBe(Code.DeadlineExceeded);
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(slept).toHaveLength(1);
  });

  it('stops waiting between attempts as soon as the caller gives up', async () => {
    // The real sleep, and a backoff far longer than the test may take: only the abort can end the wait.
    const { caller } = harness({ sleep: undefined, baseBackoffMs: 600_000, maxBackoffMs: 600_000 });
    const cancel = new AbortController();
    let attempts = 0;
    const code = await codeOf(
      caller.call(
        'Get',
        async () => {
          attempts++;
          setImmediate(() => cancel.abort());
          throw new ConnectError('not now', Code.Unavailable);
        },
        cancel.signal,
      ),
    );
    expect(code).toBe(Code.Canceled);
    expect(attempts).toBe(1);
  });
});
