import { type Client, Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { OPERATOR_ROLE, type TokenSubject } from '@tessera/platform/identity';
import { bearerToken, ERROR_CODE_HEADER, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import { testIdentity } from '@tessera/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Instruction,
  ItemOutcome,
  RobotService,
} from '../../../src/depot/contract/gen/mallbots/depot/v1/robots_pb.js';
import {
  aList,
  DEPOT_STAFF,
  eventually,
  type MemoryRobots,
  robotCalled,
  startMemoryRobotsServer,
} from './memory-robots.js';

const BOT = 'b6a1c1de-0000-4000-8000-000000000001';

async function failure(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}

/** Reads a bot's stream in the background: what it received, and how it ended. */
function openStream(client: Client<typeof RobotService>, botId = BOT, name = 'bot-1') {
  const received: Instruction[] = [];
  const cancel = new AbortController();
  const ended = (async () => {
    try {
      for await (const message of client.connect({ botId, name }, { signal: cancel.signal })) {
        received.push(message.instruction!);
      }
      return undefined;
    } catch (error) {
      return ConnectError.from(error);
    }
  })();
  return { received, cancel, ended };
}

const kinds = (received: Instruction[]) => received.map((instruction) => instruction.kind.case);

type Server = Awaited<ReturnType<typeof startMemoryRobotsServer>>;

/** A client of the robots' API acting as `who` (no one: no token). */
const clientOf = (
  server: Pick<Server, 'url' | 'tokenFor'>,
  who?: TokenSubject,
): Client<typeof RobotService> =>
  createClient(
    RobotService,
    createGrpcTransport({
      baseUrl: server.url,
      ...(who ? { interceptors: [bearerToken(() => server.tokenFor(who))] } : {}),
    }),
  );

describe('the robots RPC service', () => {
  let server: Server;
  let robots: MemoryRobots;
  /** The bot BOT itself. */
  let client: Client<typeof RobotService>;
  /** One of the depot's staff, who may act for any bot. */
  let staff: Client<typeof RobotService>;
  beforeEach(async () => {
    server = await startMemoryRobotsServer();
    robots = server.robots;
    client = clientOf(server, robotCalled(BOT));
    staff = clientOf(server, DEPOT_STAFF);
  });
  afterEach(() => server.close());

  describe('Connect', () => {
    it('sends the current instruction at once, then each change, once', async () => {
      const stream = openStream(client);
      await eventually(() => stream.received.length === 1, 'the first instruction');
      expect(kinds(stream.received)).toEqual(['wait']);
      await eventually(() => robots.watching(BOT) === 1, 'the adapter watches the bot');

      robots.instruct(BOT, aList());
      await eventually(() => stream.received.length === 2, 'the assignment');
      const shop = stream.received[1]!.kind;
      expect(shop.case).toBe('shop');
      if (shop.case !== 'shop') return;
      expect(shop.value.shoppingListId).toBe('list-1');
      expect(shop.value.orderId).toBe('order-1');
      expect(shop.value.stops.map((stop) => [stop.storeName, stop.storeLocation])).toEqual([
        ['Books', 'Level 1'],
        ['Toys', 'Level 2'],
      ]);
      expect(shop.value.stops[0]!.items[1]).toMatchObject({
        productId: 'p-2',
        productName: 'Novel',
        quantity: 2,
        outcome: ItemOutcome.UNSPECIFIED,
      });

      // A wake-up that changes nothing sends nothing; the next real change is sent.
      robots.instruct(BOT, aList());
      robots.instruct(BOT, { kind: 'recall', shoppingListId: 'list-1', reason: 'the order was canceled' });
      await eventually(() => stream.received.length === 3, 'the recall');
      expect(kinds(stream.received)).toEqual(['wait', 'shop', 'recall']);
      const recall = stream.received[2]!.kind;
      expect(recall.case === 'recall' && recall.value.reason).toBe('the order was canceled');
      stream.cancel.abort();
      await stream.ended;
    });

    it('resumes a bot with the outcomes it already reported', async () => {
      robots.instruct(BOT, aList());
      await robots.operations.connect({ botId: BOT, name: 'bot-1' });
      await robots.operations.reportItem({
        botId: BOT,
        shoppingListId: 'list-1',
        storeId: 'store-a',
        productId: 'p-1',
        outcome: 'unavailable',
      });
      const stream = openStream(client);
      await eventually(() => stream.received.length === 1, 'the first instruction');
      const shop = stream.received[0]!.kind;
      expect(shop.case === 'shop' && shop.value.stops[0]!.items.map((item) => item.outcome)).toEqual([
        ItemOutcome.UNAVAILABLE,
        ItemOutcome.UNSPECIFIED,
      ]);
      stream.cancel.abort();
      await stream.ended;
    });

    it('disconnects the bot, naming the stream, when the bot goes away', async () => {
      const stream = openStream(client);
      await eventually(() => stream.received.length === 1 && robots.watching(BOT) === 1, 'connected');
      expect(robots.isOnline(BOT)).toBe(true);

      stream.cancel.abort();
      expect((await stream.ended)?.code).toBe(Code.Canceled);
      await eventually(() => !robots.isOnline(BOT), 'the bot is offline');
      expect(robots.watching(BOT)).toBe(0);
      const connected = robots.calls.find((call) => call.op === 'connect')!.input as { session: string };
      const disconnected = robots.calls.filter((call) => call.op === 'disconnect');
      expect(disconnected).toEqual([{ op: 'disconnect', input: { botId: BOT, session: connected.session } }]);
    });

    it('heartbeats for its bot, naming the stream, while the stream is open', async () => {
      const beating = await startMemoryRobotsServer(undefined, 10);
      try {
        const own = clientOf(beating, robotCalled(BOT));
        const stream = openStream(own);
        const beats = () => beating.robots.calls.filter((call) => call.op === 'heartbeat');
        await eventually(() => beats().length >= 2, 'two heartbeats');
        const connected = beating.robots.calls.find((call) => call.op === 'connect')!.input as {
          session: string;
        };
        expect(new Set(beats().map((call) => JSON.stringify(call.input)))).toEqual(
          new Set([JSON.stringify({ botId: BOT, session: connected.session })]),
        );
        stream.cancel.abort();
        await stream.ended;
      } finally {
        await beating.close();
      }
    });

    it('keeps a bot online when its older stream closes after a newer one opened', async () => {
      const older = openStream(client);
      await eventually(() => older.received.length === 1, 'the older stream');
      const newer = openStream(client);
      await eventually(() => newer.received.length === 1, 'the newer stream');
      older.cancel.abort();
      await older.ended;
      await eventually(() => robots.calls.some((call) => call.op === 'disconnect'), 'the older one closed');
      expect(robots.isOnline(BOT)).toBe(true);
      newer.cancel.abort();
      await newer.ended;
      await eventually(() => !robots.isOnline(BOT), 'offline once the newer closes');
    });

    it('ends the stream (Internal, details kept) and disconnects when reading an instruction fails', async () => {
      const stream = openStream(client);
      await eventually(() => stream.received.length === 1 && robots.watching(BOT) === 1, 'connected');
      robots.failInstructionReads(1);
      robots.instruct(BOT, aList());
      const ended = await stream.ended;
      expect(ended?.code).toBe(Code.Internal);
      expect(ended?.rawMessage).not.toContain('database');
      await eventually(() => !robots.isOnline(BOT), 'the bot is offline');
    });

    it('ends open streams with Unavailable when the server stops, and disconnects the bots', async () => {
      const stream = openStream(client);
      await eventually(() => stream.received.length === 1 && robots.watching(BOT) === 1, 'connected');
      await server.close();
      expect((await stream.ended)?.code).toBe(Code.Unavailable);
      expect(robots.isOnline(BOT)).toBe(false);
    });

    it.each([
      [{ botId: ' ', name: 'bot-1' }, 'bot_id'],
      [{ botId: BOT, name: '' }, 'name'],
      [{ botId: 'x'.repeat(1001), name: 'bot-1' }, 'bot_id'],
    ])('refuses %j with InvalidArgument naming %s', async (request, field) => {
      // The depot's staff, who may name any bot: a robot naming another is refused before it is validated.
      const error = await failure(async () => {
        for await (const _message of staff.connect(request)) break;
      });
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe(field);
      expect(error.rawMessage).toContain(field);
      expect(robots.calls.filter((call) => call.op === 'connect')).toEqual([]);
    });
  });

  describe('ReportItem and ReportReturned', () => {
    const report = (productId: string, outcome: ItemOutcome, storeId = 'store-a') =>
      client.reportItem({ botId: BOT, shoppingListId: 'list-1', storeId, productId, outcome });

    beforeEach(async () => {
      await robots.operations.connect({ botId: BOT, name: 'bot-1' });
      robots.instruct(BOT, aList());
    });

    it('records each item and answers the next instruction: return after the last', async () => {
      const first = await report('p-1', ItemOutcome.PICKED);
      expect(first.instruction?.kind.case).toBe('shop');
      await report('p-2', ItemOutcome.UNAVAILABLE);
      const last = await report('p-3', ItemOutcome.PICKED, 'store-b');
      expect(last.instruction?.kind).toEqual(
        expect.objectContaining({
          case: 'return',
          value: expect.objectContaining({ shoppingListId: 'list-1' }),
        }),
      );
      expect(robots.outcomeOf('list-1', 'p-2')).toBe('unavailable');

      const back = await client.reportReturned({ botId: BOT, shoppingListId: 'list-1' });
      expect(back.instruction?.kind.case).toBe('wait');
      // Reporting the return again is a no-op.
      expect(
        (await client.reportReturned({ botId: BOT, shoppingListId: 'list-1' })).instruction?.kind.case,
      ).toBe('wait');
    });

    it('treats the same report twice as a no-op, and another outcome as a failed precondition', async () => {
      await report('p-1', ItemOutcome.PICKED);
      expect((await report('p-1', ItemOutcome.PICKED)).instruction?.kind.case).toBe('shop');
      expect((await failure(() => report('p-1', ItemOutcome.UNAVAILABLE))).code).toBe(
        Code.FailedPrecondition,
      );
    });

    it('answers NotFound for an item not on the list or at another stop, and for an unknown bot', async () => {
      expect((await failure(() => report('p-404', ItemOutcome.PICKED))).code).toBe(Code.NotFound);
      expect((await failure(() => report('p-3', ItemOutcome.PICKED, 'store-a'))).code).toBe(Code.NotFound);
      const unknownBot = await failure(() =>
        staff.reportItem({
          botId: 'someone-else',
          shoppingListId: 'list-1',
          storeId: 'store-a',
          productId: 'p-1',
          outcome: ItemOutcome.PICKED,
        }),
      );
      expect(unknownBot.code).toBe(Code.NotFound);
    });

    it('refuses a return before every item is reported, and a list the bot does not hold', async () => {
      const early = await failure(() => client.reportReturned({ botId: BOT, shoppingListId: 'list-1' }));
      expect(early.code).toBe(Code.FailedPrecondition);
      const other = await failure(() =>
        client.reportItem({
          botId: BOT,
          shoppingListId: 'list-2',
          storeId: 'store-a',
          productId: 'p-1',
          outcome: ItemOutcome.PICKED,
        }),
      );
      expect(other.code).toBe(Code.FailedPrecondition);
    });

    it.each([
      ['bot_id', { botId: '' }],
      ['shopping_list_id', { shoppingListId: '  ' }],
      ['store_id', { storeId: '' }],
      ['product_id', { productId: '' }],
      ['outcome', { outcome: ItemOutcome.UNSPECIFIED }],
    ])('refuses a report without %s, naming it', async (field, change) => {
      const error = await failure(() =>
        client.reportItem({
          botId: BOT,
          shoppingListId: 'list-1',
          storeId: 'store-a',
          productId: 'p-1',
          outcome: ItemOutcome.PICKED,
          ...change,
        }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe(field);
      expect(robots.calls.filter((call) => call.op === 'reportItem')).toEqual([]);
    });

    it('refuses a return without its list, naming it', async () => {
      const error = await failure(() => client.reportReturned({ botId: BOT, shoppingListId: '' }));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe('shopping_list_id');
    });
  });
  describe('who may use it', () => {
    const OTHER = 'b6a1c1de-0000-4000-8000-000000000002';
    const report = (as: Client<typeof RobotService>, botId: string) =>
      as.reportItem({
        botId,
        shoppingListId: 'list-1',
        storeId: 'store-a',
        productId: 'p-1',
        outcome: ItemOutcome.PICKED,
      });
    const refused = (error: ConnectError) => [Code[error.code], error.metadata.get(ERROR_CODE_HEADER)];
    const calls = (op: string) => robots.calls.filter((call) => call.op === op);

    it('refuses a caller without a token as UNAUTHENTICATED, on the stream and the reports', async () => {
      const anonymous = clientOf(server);
      const stream = openStream(anonymous);
      expect(refused((await stream.ended)!)).toEqual(['Unauthenticated', 'unauthenticated']);
      expect(stream.received).toEqual([]);
      expect(refused(await failure(() => report(anonymous, BOT)))).toEqual([
        'Unauthenticated',
        'unauthenticated',
      ]);
      expect(
        refused(await failure(() => anonymous.reportReturned({ botId: BOT, shoppingListId: 'list-1' }))),
      ).toEqual(['Unauthenticated', 'unauthenticated']);
      expect(robots.calls).toEqual([]);
    });

    it('refuses a token another issuer signed as UNAUTHENTICATED', async () => {
      const elsewhere = await testIdentity();
      const forged = clientOf({ url: server.url, tokenFor: elsewhere.tokenFor }, robotCalled(BOT));
      expect(refused(await failure(() => report(forged, BOT)))).toEqual(['Unauthenticated', 'invalid_token']);
      expect(robots.calls).toEqual([]);
    });

    it('refuses anyone neither a robot nor the depot’s staff as PERMISSION_DENIED', async () => {
      for (const roles of [['customer'], ['store-manager'], ['service']]) {
        const other = clientOf(server, { subject: BOT, roles });
        const stream = openStream(other);
        expect(refused((await stream.ended)!), roles[0]).toEqual(['PermissionDenied', 'forbidden']);
        expect(refused(await failure(() => report(other, BOT))), roles[0]).toEqual([
          'PermissionDenied',
          'forbidden',
        ]);
      }
      expect(robots.calls).toEqual([]);
    });

    it("does not let a robot take another's stream: PERMISSION_DENIED, and the other stays connected", async () => {
      const own = openStream(client);
      await eventually(() => own.received.length === 1 && robots.watching(BOT) === 1, 'BOT connected');
      const intruder = openStream(clientOf(server, robotCalled(OTHER)), BOT, 'intruder');
      expect(refused((await intruder.ended)!)).toEqual(['PermissionDenied', 'not_yours']);
      expect(intruder.received).toEqual([]);
      // The depot never heard of the attempt: BOT's session, name and stream are its own still.
      expect(calls('connect')).toHaveLength(1);
      expect(calls('connect')[0]!.input).toMatchObject({ botId: BOT, name: 'bot-1' });
      expect(calls('disconnect')).toEqual([]);
      expect(robots.isOnline(BOT)).toBe(true);
      robots.instruct(BOT, aList());
      await eventually(() => own.received.length === 2, 'BOT hears of its list');
      expect(kinds(own.received)).toEqual(['wait', 'shop']);
      own.cancel.abort();
      await own.ended;
    });

    it('does not let a robot report for another: PERMISSION_DENIED, and nothing is recorded', async () => {
      await robots.operations.connect({ botId: BOT, name: 'bot-1' });
      robots.instruct(BOT, aList());
      const intruder = clientOf(server, robotCalled(OTHER));
      expect(refused(await failure(() => report(intruder, BOT)))).toEqual(['PermissionDenied', 'not_yours']);
      expect(
        refused(
          await failure(() => intruder.reportReturned({ botId: ` ${BOT} `, shoppingListId: 'list-1' })),
        ),
      ).toEqual(['PermissionDenied', 'not_yours']);
      expect(calls('reportItem')).toEqual([]);
      expect(calls('reportReturned')).toEqual([]);
      expect(robots.outcomeOf('list-1', 'p-1')).toBeUndefined();
      // As itself, the same report is taken.
      expect((await report(client, BOT)).instruction?.kind.case).toBe('shop');
    });

    it('lets the depot’s staff and operators act for any bot', async () => {
      await robots.operations.connect({ botId: BOT, name: 'bot-1' });
      robots.instruct(BOT, aList());
      expect((await report(staff, BOT)).instruction?.kind.case).toBe('shop');
      const operator = clientOf(server, { subject: 'operator:test', roles: [OPERATOR_ROLE] });
      const stream = openStream(operator, OTHER, 'bot-2');
      await eventually(() => stream.received.length === 1, 'the operator’s stream for bot-2');
      expect(robots.isOnline(OTHER)).toBe(true);
      stream.cancel.abort();
      await stream.ended;
    });
  });
});
