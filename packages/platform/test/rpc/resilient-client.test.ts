import { Code, ConnectError } from '@connectrpc/connect';
import { anyone } from '@tessera/platform/identity';
import { createLogger, metricsRegistry } from '@tessera/platform/observability';
import { connectClient, createRpcServer, type RpcServer } from '@tessera/platform/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoService } from './gen/tessera/test/v1/echo_pb.js';

const logger = createLogger({ level: 'silent', format: 'json' });

/** The echo service alone on a port: what the client calls, stopped and started again by the test. */
async function startEcho(port: number): Promise<{ server: RpcServer; port: number }> {
  const server = createRpcServer({ logger });
  server.registrar.service(
    EchoService,
    {
      async say({ text }) {
        if (text === 'missing') throw new ConnectError('no such thing', Code.NotFound);
        return { text };
      },
    },
    { audience: anyone },
  );
  return { server, port: await server.listen(port, '127.0.0.1') };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}

const served = () => metric('rpc_server_calls_total', { service: 'tessera.test.v1.EchoService' });

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}

// A Connect client of a real server on h2c: the server stops (Unavailable, retried, the breaker opens and
// calls fail fast), starts again on the same port (still failing fast until the cool-down), then the trial
// call closes the breaker. The clock and the backoff's sleep are the test's; the network is real.
describe('a resilient Connect client against a server that goes away and comes back', () => {
  let echo: { server: RpcServer; port: number };
  let clock = 0;
  const slept: number[] = [];
  let client: ReturnType<typeof connectClient<typeof EchoService>>;

  beforeAll(async () => {
    echo = await startEcho(0);
    client = connectClient(EchoService, `http://127.0.0.1:${echo.port}`, {
      target: 'echo',
      caller: 'resilience-test',
      logger,
      timeoutMs: 2_000,
      maxAttempts: 3,
      failureThreshold: 3,
      coolDownMs: 30_000,
      now: () => clock,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
  });
  afterAll(() => echo?.server.close(0));

  it('answers, and answers NOT_FOUND at once without retrying', async () => {
    expect((await client.say({ text: 'hello' })).text).toBe('hello');
    const before = await served();
    expect((await failure(client.say({ text: 'missing' }))).code).toBe(Code.NotFound);
    expect(await served()).toBe(before + 1);
    expect(slept).toEqual([]);
  });

  it('retries while the server is down, opens the breaker, then fails fast', async () => {
    await echo.server.close(0);
    const down = await failure(client.say({ text: 'anyone?' }));
    expect(down.code, down.message).toBe(Code.Unavailable);
    // Three attempts, two backoffs between them; the third failure opened the breaker.
    expect(slept).toHaveLength(2);
    expect(await metric('rpc_client_circuit_state', { caller: 'resilience-test', target: 'echo' })).toBe(2);

    const fast = await failure(client.say({ text: 'anyone?' }));
    expect(fast.code).toBe(Code.Unavailable);
    expect(fast.rawMessage).toMatch(/circuit open/);
    expect(slept).toHaveLength(2);
  });

  it('keeps failing fast while cooling down even though the server is back, then closes on the trial', async () => {
    echo = await startEcho(echo.port);
    const before = await served();
    expect((await failure(client.say({ text: 'too soon' }))).rawMessage).toMatch(/circuit open/);
    expect(await served()).toBe(before);

    clock += 30_000;
    expect((await client.say({ text: 'back' })).text).toBe('back');
    expect(await served()).toBe(before + 1);
    expect(await metric('rpc_client_circuit_state', { caller: 'resilience-test', target: 'echo' })).toBe(0);
    expect((await client.say({ text: 'again' })).text).toBe('again');
  });
});
