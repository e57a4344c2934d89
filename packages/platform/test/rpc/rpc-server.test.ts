import { create } from '@bufbuild/protobuf';
import { Code, createClient, type Transport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import {
  conflict,
  type DomainError,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
} from '@tessera/platform/ddd';
import { anyone } from '@tessera/platform/identity';
import { currentTraceContext, metricsRegistry } from '@tessera/platform/observability';
import { ERROR_CODE_HEADER, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import { loadConfig, type Module, rpcPortOf } from '@tessera/platform/runtime';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './failure.js';
import { EchoService, TicksResponseSchema } from './gen/tessera/test/v1/echo_pb.js';

const failures: Record<string, () => Error> = {
  invalid: () => invalidArgument('blank_text', 'text must not be blank', 'text'),
  missing: () => notFound('no_such_thing', 'no such thing'),
  precondition: () => failedPrecondition('not_yet', 'not yet'),
  conflict: () => conflict('raced', 'someone else changed it'),
  permission: () => permissionDenied('not_yours', 'not yours'),
  bug: () => new TypeError('secret internals: cannot read properties of undefined'),
};

/** Ticks streams still open on the server, with their handlers' signals: what a stop must end. */
const openTicks = new Set<AbortSignal>();

const echoModule: Module = {
  name: 'echo',
  description: 'A test service',
  migrations: [],
  async start({ rpc }) {
    rpc.service(
      EchoService,
      {
        async say({ text }) {
          const failure = failures[text];
          if (failure) throw failure();
          return { text };
        },
        async *ticks({ failAfter }, context) {
          openTicks.add(context.signal);
          try {
            for (let n = 1; ; n++) {
              if (failAfter && n > failAfter) throw failures.missing!();
              yield create(TicksResponseSchema, {
                n,
                correlationId: currentTraceContext()?.correlationId ?? '',
              });
              // Waits for the next tick or for the end of the call, whichever comes first.
              await new Promise<void>((resolve) => {
                const onAbort = () => {
                  clearTimeout(timer);
                  resolve();
                };
                const timer = setTimeout(() => {
                  context.signal.removeEventListener('abort', onAbort);
                  resolve();
                }, 20);
                context.signal.addEventListener('abort', onAbort, { once: true });
              });
              if (context.signal.aborted) return;
            }
          } finally {
            openTicks.delete(context.signal);
          }
        },
      },
      { audience: anyone },
    );
    return {};
  },
};

const transports: Record<string, (baseUrl: string) => Transport> = {
  grpc: (baseUrl) => createGrpcTransport({ baseUrl }),
  'grpc-web': (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: '2' }),
  connect: (baseUrl) => createConnectTransport({ baseUrl, httpVersion: '2' }),
};

async function eventually(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function counted(labels: Record<string, string>): Promise<number> {
  const metric = (await metricsRegistry.getSingleMetric('rpc_server_calls_total')?.get())?.values ?? [];
  return metric
    .filter((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}

describe('the RPC server of the host', () => {
  let api: TestHost;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [echoModule]);
  });
  afterAll(() => api?.close());

  it('listens on a port of its own, given by the host', () => {
    expect(api.host.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.host.rpcUrl).not.toBe(api.host.url);
  });

  describe.each(Object.keys(transports))('over %s', (protocol) => {
    const client = () => createClient(EchoService, transports[protocol]!(api.host.rpcUrl!));

    it('answers a unary call', async () => {
      expect((await client().say({ text: 'hello' })).text).toBe('hello');
    });

    it('streams until the client cancels', async () => {
      const seen: number[] = [];
      const cancel = new AbortController();
      const error = await failure(async () => {
        for await (const tick of client().ticks({}, { signal: cancel.signal })) {
          seen.push(tick.n);
          if (seen.length === 3) cancel.abort();
        }
      });
      expect(seen).toEqual([1, 2, 3]);
      expect(error.code).toBe(Code.Canceled);
      await eventually(() => openTicks.size === 0, 'the handler saw the cancel');
    });
  });

  it.each([
    ['invalid', Code.InvalidArgument],
    ['missing', Code.NotFound],
    ['precondition', Code.FailedPrecondition],
    ['conflict', Code.Aborted],
    ['permission', Code.PermissionDenied],
  ])('maps the domain error %s to code %s, with the rule and its message', async (text, code) => {
    const error = await failure(() =>
      createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! })).say({ text }),
    );
    expect(error.code).toBe(code);
    expect(error.rawMessage).toBe(failures[text]!().message);
    expect(error.metadata.get(ERROR_CODE_HEADER)).toBe((failures[text]!() as DomainError).code);
  });

  it('names the field of an invalid argument', async () => {
    const error = await failure(() =>
      createClient(EchoService, createConnectTransport({ baseUrl: api.host.rpcUrl!, httpVersion: '2' })).say({
        text: 'invalid',
      }),
    );
    expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe('text');
  });

  it('answers any other failure with Internal, without leaking it', async () => {
    const error = await failure(() =>
      createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! })).say({ text: 'bug' }),
    );
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).not.toMatch(/secret|undefined/);
  });

  it('maps a failure in the middle of a stream too', async () => {
    const seen: number[] = [];
    const error = await failure(async () => {
      for await (const tick of createClient(
        EchoService,
        createGrpcTransport({ baseUrl: api.host.rpcUrl! }),
      ).ticks({ failAfter: 2 })) {
        seen.push(tick.n);
      }
    });
    expect(seen).toEqual([1, 2]);
    expect(error.code).toBe(Code.NotFound);
  });

  it("runs a stream's handler in the call's trace context, from the caller's correlation id", async () => {
    const client = createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! }));
    const cancel = new AbortController();
    const seen: string[] = [];
    await failure(async () => {
      for await (const tick of client.ticks(
        {},
        { signal: cancel.signal, headers: { 'x-correlation-id': 'kiosk-42' } },
      )) {
        seen.push(tick.correlationId);
        if (seen.length === 2) cancel.abort();
      }
    });
    expect(seen).toEqual(['kiosk-42', 'kiosk-42']);
  });

  it('counts calls by service, method and code', async () => {
    const labels = { service: 'tessera.test.v1.EchoService', method: 'Say' };
    const okBefore = await counted({ ...labels, code: 'ok' });
    const notFoundBefore = await counted({ ...labels, code: 'not_found' });
    const client = createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! }));
    await client.say({ text: 'one' });
    await client.say({ text: 'two' });
    await failure(() => client.say({ text: 'missing' }));
    expect(await counted({ ...labels, code: 'ok' })).toBe(okBefore + 2);
    expect(await counted({ ...labels, code: 'not_found' })).toBe(notFoundBefore + 1);
  });
});

describe('stopping the host', () => {
  it('ends open streams with Unavailable, promptly', async () => {
    const api = await startTestHost(pgliteTestDatabase, [echoModule]);
    const client = createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! }));
    let first: () => void;
    const streaming = new Promise<void>((resolve) => {
      first = resolve;
    });
    const ended = failure(async () => {
      for await (const _tick of client.ticks({})) first();
    });
    await streaming;
    expect(openTicks.size).toBe(1);

    const started = Date.now();
    await api.close();

    // Well under the 5 s grace a client that stopped reading would get.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(openTicks.size).toBe(0);
    expect((await ended).code).toBe(Code.Unavailable);
  });

  it('serves no RPC port when no module offers a service', async () => {
    const api = await startTestHost(pgliteTestDatabase, []);
    try {
      expect(api.host.rpcUrl).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});

describe('the RPC port', () => {
  it('is 8085 unless configured, and any free port when the HTTP port is', () => {
    expect(rpcPortOf(loadConfig({}))).toBe(8085);
    expect(rpcPortOf(loadConfig({ PORT: '0' }))).toBe(0);
    expect(rpcPortOf(loadConfig({ PORT: '0', RPC_PORT: '9000' }))).toBe(9000);
    expect(rpcPortOf(loadConfig({ RPC_PORT: '0' }))).toBe(0);
    expect(() => loadConfig({ RPC_PORT: 'grpc' })).toThrow('RPC_PORT');
  });
});
