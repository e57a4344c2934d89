import { Code, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { only, type Principal, serviceRole } from '@tessera/platform/identity';
import { principalOf } from '@tessera/platform/rpc';
import {
  ConfigError,
  type Host,
  loadConfig,
  type Module,
  type ModuleContext,
  startHost,
} from '@tessera/platform/runtime';
import {
  authBeside,
  type OpenedTestDatabase,
  pgliteTestDatabase,
  startTestHost,
  TEST_OPERATOR,
  type TestHost,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from './failure.js';
import { EchoService } from './gen/tessera/test/v1/echo_pb.js';

/** Who called the echo service last, as its handler was told. */
let caller: Principal | undefined;

/** A module offering the echo service to other modules only (the service role; operators too). */
const echoModule: Module = {
  name: 'echo',
  description: 'A service for the other modules',
  migrations: [],
  async start({ rpc }) {
    rpc.service(
      EchoService,
      {
        async say({ text }, context) {
          caller = principalOf(context);
          return { text };
        },
      },
      { audience: only(serviceRole) },
    );
    return {};
  },
};

/** A module that keeps what its context gives it to call other modules with. */
function tokenKeeper() {
  let serviceToken: ModuleContext['serviceToken'] | undefined;
  const module: Module = {
    name: 'keeper',
    description: 'Calls other modules',
    migrations: [],
    async start(context) {
      serviceToken = context.serviceToken;
      return {};
    },
  };
  return { module, token: () => serviceToken!() };
}

const quiet = { logLevel: 'silent', logFormat: 'json' as const, port: 0, host: '127.0.0.1' };

describe("a module's RPC service for the other modules", () => {
  let api: TestHost;
  let client: ReturnType<typeof createClient<typeof EchoService>>;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [echoModule]);
    client = createClient(EchoService, createGrpcTransport({ baseUrl: api.host.rpcUrl! }));
  }, 60_000);
  afterAll(() => api?.close());

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("answers the host's own service token, naming the service principal", async () => {
    expect(api.host.serviceToken).toBeDefined();
    expect((await client.say({ text: 'hi' }, bearer(await api.host.serviceToken!()))).text).toBe('hi');
    expect(caller).toMatchObject({ subject: 'services', kind: 'client', roles: ['service'] });
  });

  it('answers an operator', async () => {
    await client.say({ text: 'hi' }, bearer(await api.tokenFor(TEST_OPERATOR)));
    expect(caller?.subject).toBe(TEST_OPERATOR.subject);
  });

  it('refuses a call without a token (UNAUTHENTICATED) and a customer (PERMISSION_DENIED)', async () => {
    expect((await failure(() => client.say({ text: 'hi' }))).code).toBe(Code.Unauthenticated);
    const customer = await api.tokenFor({ subject: crypto.randomUUID(), roles: ['customer'] });
    expect((await failure(() => client.say({ text: 'hi' }, bearer(customer)))).code).toBe(
      Code.PermissionDenied,
    );
  });

  it('reuses the service token until shortly before it expires', async () => {
    expect(await api.host.serviceToken!()).toBe(await api.host.serviceToken!());
  });

  it('gives the modules the service token in their context', async () => {
    const keeper = tokenKeeper();
    const other = await startTestHost(pgliteTestDatabase, [keeper.module]);
    try {
      const principal = await other.host.identity!.verifier.verify(await keeper.token());
      expect(principal).toMatchObject({ subject: 'services', roles: ['service'] });
    } finally {
      await other.close();
    }
  });
});

describe('a process beside the one whose provider it trusts (the distributed topology)', () => {
  let provider: TestHost;
  let opened: OpenedTestDatabase;
  let beside: Host | undefined;
  beforeAll(async () => {
    provider = await startTestHost(pgliteTestDatabase, [echoModule]);
    opened = await pgliteTestDatabase.open();
  }, 60_000);
  afterAll(async () => {
    await beside?.stop();
    await opened?.close();
    await provider?.close();
  });

  const startBeside = async (auth: Awaited<ReturnType<typeof authBeside>>) => {
    const keeper = tokenKeeper();
    await beside?.stop();
    beside = await startHost({
      name: 'Beside',
      version: 'test',
      modules: [keeper.module],
      db: opened.db,
      config: { ...loadConfig({}), ...quiet, auth, rpcServices: new Map([['echo', provider.host.rpcUrl!]]) },
    });
    return keeper;
  };

  it.each([
    ['its AUTH_IDENTITY_URL', false],
    ["the token endpoint its issuer's discovery document names", true],
  ])('calls with a token of its client credential, from %s', async (_from, discovery) => {
    const auth = await authBeside(provider.host, { discovery });
    const keeper = await startBeside(auth);
    expect(beside!.identity).toBeUndefined();
    expect(beside!.identityUrl).toBe(discovery ? undefined : provider.host.url);
    const client = createClient(EchoService, createGrpcTransport({ baseUrl: provider.host.rpcUrl! }));
    const token = await keeper.token();
    expect(token).toBe(await beside!.serviceToken!());
    await client.say({ text: 'hi' }, { headers: { authorization: `Bearer ${token}` } });
    expect(caller).toMatchObject({ subject: auth.client!.id, kind: 'client', roles: ['service'] });
  });

  it('fails the token, saying why, when its client credential is wrong', async () => {
    const auth = await authBeside(provider.host);
    const keeper = await startBeside({
      ...auth,
      client: { id: auth.client!.id, secret: 'not-the-secret-at-all' },
    });
    await expect(keeper.token()).rejects.toThrow(/the token endpoint refused \(401\).*invalid_client/);
  });

  it('refuses to start with RPC_SERVICES and no credential to call them with, naming the variables', async () => {
    const auth = await authBeside(provider.host);
    const start = startHost({
      name: 'Beside',
      version: 'test',
      modules: [],
      db: opened.db,
      config: {
        ...loadConfig({}),
        ...quiet,
        auth: { ...auth, client: undefined },
        rpcServices: new Map([['echo', provider.host.rpcUrl!]]),
      },
    });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(
      /no credential to call them with: set AUTH_CLIENT_ID and AUTH_CLIENT_SECRET/,
    );
  });
});
