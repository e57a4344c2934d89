import { create } from '@bufbuild/protobuf';
import { type CallOptions, Code, type ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { anyone, defineRoles, OPERATOR_ROLE, only, type TokenSubject } from '@tessera/platform/identity';
import { createLogger, metricsRegistry } from '@tessera/platform/observability';
import {
  connectClient,
  createRpcServer,
  ERROR_CODE_HEADER,
  principalOf,
  type RpcServer,
} from '@tessera/platform/rpc';
import { type TestIdentity, testIdentity } from '@tessera/platform/testing';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openedForSuite } from '../support/suite.js';
import { failure } from './failure.js';
import { ChatRequestSchema, EchoService } from './gen/tessera/test/v1/echo_pb.js';

const logger = createLogger({ level: 'silent', format: 'json' });

/** A role that sees everyone's, and one that sees only its own (as a depot's staff and its robots). */
const roles = defineRoles({
  clerk: { description: 'Sees every caller’s' },
  member: { description: 'Sees only its own', own: true },
});
const OPERATOR: TokenSubject = { subject: 'operator:test', roles: [OPERATOR_ROLE] };
const CLERK: TokenSubject = { subject: 'clerk-1', roles: ['clerk'] };
const MEMBER: TokenSubject = { subject: 'member-1', roles: ['member'], client: true };
const STRANGER: TokenSubject = { subject: 'customer-1', roles: ['customer'] };

/** What the handlers were called with: the method, the caller they were told of, and the text. */
interface Seen {
  method: string;
  caller: string | undefined;
  text: string;
}

const refused = (error: ConnectError) => ({
  code: error.code,
  reason: error.metadata.get(ERROR_CODE_HEADER),
});

async function metric(labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric('rpc_server_calls_total')?.get())?.values ?? [];
  return values
    .filter((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))
    .reduce((sum, value) => sum + value.value, 0);
}

/** The echo service on a port of its own, for the given audience, recording what its handlers see. */
async function startEcho(identity: TestIdentity | undefined, audience: 'anyone' | 'members') {
  const seen: Seen[] = [];
  const server = createRpcServer({ logger, ...(identity && { verifier: identity.verifier }) });
  server.registrar.service(
    EchoService,
    {
      async say({ text }, context) {
        seen.push({ method: 'say', caller: principalOf(context)?.subject, text });
        return { text };
      },
      async *ticks({ owner }, context) {
        seen.push({ method: 'ticks', caller: principalOf(context)?.subject, text: owner });
        yield { n: 1 };
        yield { n: 2 };
      },
      async *chat(requests, context) {
        for await (const { text } of requests) {
          seen.push({ method: 'chat', caller: principalOf(context)?.subject, text });
          yield { text };
        }
      },
    },
    audience === 'anyone'
      ? { audience: anyone }
      : { audience: only(roles.clerk, roles.member), owner: (message) => message.owner || undefined },
  );
  const port = await server.listen(0, '127.0.0.1');
  const client = createClient(EchoService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
  return { server, client, seen, url: `http://127.0.0.1:${port}` };
}

/**
 * The echo service for `audience` and the identity provider whose tokens it trusts, started before the tests
 * of the enclosing suite and stopped after them; `as` gives the call options of one who holds a token.
 */
const echoForSuite = (audience: 'anyone' | 'members') =>
  openedForSuite(async () => {
    const identity = await testIdentity();
    const echo = await startEcho(identity, audience);
    return {
      ...echo,
      identity,
      as: async (who: TokenSubject): Promise<CallOptions> => ({
        headers: { authorization: `Bearer ${await identity.tokenFor(who)}` },
      }),
      close: () => echo.server.close(0),
    };
  });

describe('an RPC service for some roles, one of which sees only its own', () => {
  const echo = echoForSuite('members');
  beforeEach(() => {
    echo.seen.length = 0;
  });
  const ticks = async (owner: string, options: CallOptions) => {
    const received: number[] = [];
    for await (const tick of echo.client.ticks({ owner }, options)) received.push(tick.n);
    return received;
  };

  it('refuses a call without a token as UNAUTHENTICATED, before any handler runs', async () => {
    expect(refused(await failure(() => echo.client.say({ text: 'hi' })))).toEqual({
      code: Code.Unauthenticated,
      reason: 'unauthenticated',
    });
    expect(refused(await failure(() => ticks('member-1', {})))).toEqual({
      code: Code.Unauthenticated,
      reason: 'unauthenticated',
    });
    // Another scheme is no bearer token.
    const basic = await failure(() =>
      echo.client.say({ text: 'hi' }, { headers: { authorization: 'Basic eDp5' } }),
    );
    expect(basic.code).toBe(Code.Unauthenticated);
    expect(echo.seen).toEqual([]);
  });

  it('refuses a malformed token, or one another issuer signed, as UNAUTHENTICATED saying why', async () => {
    for (const authorization of ['Bearer', 'Bearer not a token', 'Bearer not.a.jwt']) {
      const error = await failure(() => echo.client.say({ text: 'hi' }, { headers: { authorization } }));
      expect(refused(error), authorization).toEqual({ code: Code.Unauthenticated, reason: 'invalid_token' });
      expect(error.rawMessage).toBe('the token is malformed');
    }
    const elsewhere = await testIdentity();
    const forged = await failure(async () =>
      echo.client.say(
        { text: 'hi' },
        { headers: { authorization: `Bearer ${await elsewhere.tokenFor(OPERATOR)}` } },
      ),
    );
    expect(refused(forged)).toEqual({ code: Code.Unauthenticated, reason: 'invalid_token' });
    expect(forged.rawMessage).toBe('the token is not signed by a key this service trusts');
    expect(echo.seen).toEqual([]);
  });

  it('refuses a caller whose roles it does not admit as PERMISSION_DENIED, a stream too', async () => {
    const options = await echo.as(STRANGER);
    expect(refused(await failure(() => echo.client.say({ text: 'hi' }, options)))).toEqual({
      code: Code.PermissionDenied,
      reason: 'forbidden',
    });
    expect(refused(await failure(() => ticks('customer-1', options)))).toEqual({
      code: Code.PermissionDenied,
      reason: 'forbidden',
    });
    expect(echo.seen).toEqual([]);
  });

  it('admits the operator and a role that sees everyone’s, whoever the message names, and tells the handler who calls', async () => {
    expect((await echo.client.say({ text: 'a', owner: 'member-2' }, await echo.as(OPERATOR))).text).toBe('a');
    expect((await echo.client.say({ text: 'b', owner: 'member-2' }, await echo.as(CLERK))).text).toBe('b');
    expect(await ticks('member-2', await echo.as(CLERK))).toEqual([1, 2]);
    expect(echo.seen).toEqual([
      { method: 'say', caller: 'operator:test', text: 'a' },
      { method: 'say', caller: 'clerk-1', text: 'b' },
      { method: 'ticks', caller: 'clerk-1', text: 'member-2' },
    ]);
  });

  it('lets a role that sees only its own act as itself, or name no one (the handler answers)', async () => {
    const options = await echo.as(MEMBER);
    expect((await echo.client.say({ text: 'mine', owner: 'member-1' }, options)).text).toBe('mine');
    expect((await echo.client.say({ text: 'nobody’s' }, options)).text).toBe('nobody’s');
    expect(await ticks('member-1', options)).toEqual([1, 2]);
    expect(echo.seen.map(({ caller }) => caller)).toEqual(['member-1', 'member-1', 'member-1']);
  });

  it('refuses it another’s as PERMISSION_DENIED (not_yours), unary or stream, before the handler runs', async () => {
    const options = await echo.as(MEMBER);
    const unary = await failure(() => echo.client.say({ text: 'theirs', owner: 'member-2' }, options));
    expect(refused(unary)).toEqual({ code: Code.PermissionDenied, reason: 'not_yours' });
    expect(unary.rawMessage).toBe('this belongs to someone else');
    expect(refused(await failure(() => ticks('member-2', options)))).toEqual({
      code: Code.PermissionDenied,
      reason: 'not_yours',
    });
    expect(echo.seen).toEqual([]);
  });

  it('checks each message a client streams: the stream ends at the first that is another’s', async () => {
    async function* messages() {
      yield create(ChatRequestSchema, { text: 'one', owner: 'member-1' });
      yield create(ChatRequestSchema, { text: 'two' });
      yield create(ChatRequestSchema, { text: 'three', owner: 'member-2' });
      yield create(ChatRequestSchema, { text: 'four', owner: 'member-1' });
    }
    const answered: string[] = [];
    const error = await failure(async () => {
      for await (const { text } of echo.client.chat(messages(), await echo.as(MEMBER))) answered.push(text);
    });
    expect(refused(error)).toEqual({ code: Code.PermissionDenied, reason: 'not_yours' });
    expect(answered).toEqual(['one', 'two']);
    expect(echo.seen.map(({ text }) => text)).toEqual(['one', 'two']);
  });

  it('counts and logs a refused call like any other, by its code', async () => {
    const labels = { service: 'tessera.test.v1.EchoService', method: 'Say' };
    const before = {
      unauthenticated: await metric({ ...labels, code: 'unauthenticated' }),
      denied: await metric({ ...labels, code: 'permission_denied' }),
    };
    await failure(() => echo.client.say({ text: 'hi' }));
    await failure(async () => echo.client.say({ text: 'hi' }, await echo.as(STRANGER)));
    expect(await metric({ ...labels, code: 'unauthenticated' })).toBe(before.unauthenticated + 1);
    expect(await metric({ ...labels, code: 'permission_denied' })).toBe(before.denied + 1);
  });

  it('is called with a token by a connectClient given one', async () => {
    const client = connectClient(EchoService, echo.url, {
      target: 'echo',
      logger,
      token: () => echo.identity.tokenFor(CLERK),
    });
    expect((await client.say({ text: 'signed' })).text).toBe('signed');
    expect(echo.seen).toEqual([{ method: 'say', caller: 'clerk-1', text: 'signed' }]);
  });

  it('is not called by a connectClient that cannot get its token: UNAVAILABLE, retried, never sent unsigned', async () => {
    let asked = 0;
    const client = connectClient(EchoService, echo.url, {
      target: 'echo-no-token',
      logger,
      maxAttempts: 3,
      sleep: async () => {},
      token: async () => {
        asked++;
        throw new Error('the identity provider is away');
      },
    });
    const error = await failure(() => client.say({ text: 'unsigned' }));
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe('no token to call with: the identity provider is away');
    expect(asked).toBe(3);
    expect(echo.seen).toEqual([]);
  });
});

describe('an RPC service open to anyone', () => {
  const echo = echoForSuite('anyone');

  it('answers without a token, and tells the handler who calls when one is given', async () => {
    await echo.client.say({ text: 'anonymous' });
    await echo.client.say({ text: 'known' }, await echo.as(STRANGER));
    expect(echo.seen.map(({ caller, text }) => [caller, text])).toEqual([
      [undefined, 'anonymous'],
      ['customer-1', 'known'],
    ]);
  });

  it('still refuses a bad token (the caller’s mistake), as HTTP does', async () => {
    const error = await failure(() =>
      echo.client.say({ text: 'x' }, { headers: { authorization: 'Bearer not.a.jwt' } }),
    );
    expect(refused(error)).toEqual({ code: Code.Unauthenticated, reason: 'invalid_token' });
  });

  it('on a server that checks no tokens, reads none', async () => {
    const open = await startEcho(undefined, 'anyone');
    try {
      await open.client.say({ text: 'x' }, { headers: { authorization: 'Bearer not.a.jwt' } });
      expect(open.seen).toEqual([{ method: 'say', caller: undefined, text: 'x' }]);
    } finally {
      await open.server.close(0);
    }
  });
});

describe('registering a service', () => {
  let identity: TestIdentity;
  let server: RpcServer;
  beforeAll(async () => {
    identity = await testIdentity();
  });
  beforeEach(() => {
    server = createRpcServer({ logger, verifier: identity.verifier });
  });

  it('refuses one that declares no audience', () => {
    const declare = server.registrar.service as (
      service: unknown,
      implementation: object,
      access?: unknown,
    ) => void;
    expect(() => declare(EchoService, {})).toThrow(
      'the RPC service tessera.test.v1.EchoService declares no audience',
    );
    expect(() => declare(EchoService, {}, {})).toThrow('declares no audience');
    expect(server.hasServices()).toBe(false);
  });

  it('refuses one admitting a role that sees only its own without saying whose a message is', () => {
    expect(() => server.registrar.service(EchoService, {}, { audience: only(roles.member) })).toThrow(
      'the RPC service tessera.test.v1.EchoService admits a role that sees only its own, and says not whose',
    );
  });

  it('refuses one for some roles on a server that checks no tokens', () => {
    const unchecked = createRpcServer({ logger });
    expect(() => unchecked.registrar.service(EchoService, {}, { audience: only(roles.clerk) })).toThrow(
      'admits some roles, and the RPC server has no token verifier',
    );
    expect(() => unchecked.registrar.service(EchoService, {}, { audience: anyone })).not.toThrow();
  });

  it('refuses the same service twice', () => {
    server.registrar.service(EchoService, {}, { audience: anyone });
    expect(() => server.registrar.service(EchoService, {}, { audience: anyone })).toThrow(
      'the RPC service tessera.test.v1.EchoService is registered twice',
    );
  });
});
