import { failedPrecondition, invalidArgument, notFound } from '@tessera/platform/ddd';
import type { TokenSubject } from '@tessera/platform/identity';
import { createLogger } from '@tessera/platform/observability';
import { createRpcServer } from '@tessera/platform/rpc';
import { testIdentity } from '@tessera/platform/testing';
import { registerRobotsRpc } from '../../../src/depot/adapters/rpc/robots-service.js';
import type {
  AssignedStop,
  BotInstruction,
  ItemOutcome,
  RobotOperations,
} from '../../../src/depot/application/robot-operations.js';

interface MemoryBot {
  name: string;
  online: boolean;
  session?: string;
  instruction: BotInstruction;
  /** The list it brought back last, so that reporting the return again is a no-op. */
  returned?: string;
}

export type Call = { op: string; input: unknown };

/**
 * RobotOperations in memory, with the rules the interface states, for testing what drives it (the RPC adapter,
 * the simulator) without a database. `calls` records what was asked.
 */
export function memoryRobots() {
  const bots = new Map<string, MemoryBot>();
  const watchers = new Map<string, Set<() => void>>();
  const calls: Call[] = [];
  let failures = 0;
  let refusals = 0;

  const botOf = (botId: string) => {
    const bot = bots.get(botId);
    if (!bot) throw notFound('bot_not_found', 'no such bot');
    return bot;
  };
  const notify = (botId: string) => {
    for (const onChange of watchers.get(botId) ?? []) onChange();
  };

  const operations: RobotOperations = {
    async connect(input) {
      calls.push({ op: 'connect', input });
      if (input.name.trim() === '') throw invalidArgument('name_blank', 'name must not be blank', 'name');
      const bot = bots.get(input.botId) ?? { name: input.name, online: false, instruction: { kind: 'wait' } };
      bots.set(input.botId, { ...bot, online: true, ...(input.session ? { session: input.session } : {}) });
      return bots.get(input.botId)!.instruction;
    },
    async heartbeat(input) {
      calls.push({ op: 'heartbeat', input });
    },
    async disconnect(input) {
      calls.push({ op: 'disconnect', input });
      const bot = botOf(input.botId);
      if (input.session && bot.session !== input.session) return;
      bot.online = false;
    },
    async instruction(botId) {
      calls.push({ op: 'instruction', input: botId });
      if (failures > 0) {
        failures--;
        throw new Error('the database went away');
      }
      return botOf(botId).instruction;
    },
    async watch(botId, onChange) {
      const set = watchers.get(botId) ?? new Set();
      watchers.set(botId, set);
      set.add(onChange);
      return async () => {
        set.delete(onChange);
      };
    },
    async reportItem(input) {
      calls.push({ op: 'reportItem', input });
      if (refusals > 0) {
        refusals--;
        throw failedPrecondition('list_not_held', 'the bot does not hold this list');
      }
      const bot = botOf(input.botId);
      const { instruction } = bot;
      if (instruction.kind !== 'shop' || instruction.shoppingListId !== input.shoppingListId) {
        throw failedPrecondition('list_not_held', 'the bot does not hold this list');
      }
      const item = instruction.stops
        .find((stop) => stop.storeId === input.storeId)
        ?.items.find((candidate) => candidate.productId === input.productId);
      if (!item) throw notFound('item_not_on_list', 'no such item at this stop');
      if (item.outcome === input.outcome) return instruction;
      if (item.outcome) throw failedPrecondition('item_already_reported', 'the item was reported otherwise');
      const stops = instruction.stops.map((stop) => ({
        ...stop,
        items: stop.items.map((candidate) =>
          stop.storeId === input.storeId && candidate.productId === input.productId
            ? { ...candidate, outcome: input.outcome }
            : candidate,
        ),
      }));
      const everyItem = stops.every((stop) => stop.items.every((candidate) => candidate.outcome));
      bot.instruction = everyItem
        ? { kind: 'return', shoppingListId: input.shoppingListId }
        : { ...instruction, stops };
      if (everyItem) outcomes.set(input.shoppingListId, stops);
      notify(input.botId);
      return bot.instruction;
    },
    async reportReturned(input) {
      calls.push({ op: 'reportReturned', input });
      const bot = botOf(input.botId);
      const { instruction } = bot;
      if (bot.returned === input.shoppingListId) return instruction;
      if (
        (instruction.kind !== 'return' && instruction.kind !== 'recall') ||
        instruction.shoppingListId !== input.shoppingListId
      ) {
        throw failedPrecondition('not_returning', 'the bot is not bringing this list back');
      }
      bot.returned = input.shoppingListId;
      bot.instruction = { kind: 'wait' };
      notify(input.botId);
      return bot.instruction;
    },
  };

  /** What each completed list's items came to, by list. */
  const outcomes = new Map<string, AssignedStop[]>();

  return {
    operations,
    calls,
    outcomes,
    isOnline: (botId: string) => bots.get(botId)?.online ?? false,
    /** The depot decides something for the bot: it hears of it through `watch`. */
    instruct(botId: string, instruction: BotInstruction) {
      const bot = bots.get(botId) ?? { name: botId, online: false, instruction };
      bots.set(botId, { ...bot, instruction });
      notify(botId);
    },
    /** The next `count` reads of an instruction fail, as a lost database would make them. */
    failInstructionReads(count: number) {
      failures = count;
    },
    /** The next `count` item reports are refused, as if the bot's view of its list were out of date. */
    refuseReports(count: number) {
      refusals = count;
    },
    watching: (botId: string) => watchers.get(botId)?.size ?? 0,
    outcomeOf: (listId: string, productId: string): ItemOutcome | undefined =>
      outcomes
        .get(listId)
        ?.flatMap((stop) => stop.items)
        .find((item) => item.productId === productId)?.outcome,
  };
}

export type MemoryRobots = ReturnType<typeof memoryRobots>;

/** A robot's principal: its credential's subject is its id. */
export const robotCalled = (botId: string): TokenSubject => ({
  subject: botId,
  roles: ['robot'],
  client: true,
});
/** One of the depot's staff, who may act for any bot. */
export const DEPOT_STAFF: TokenSubject = { subject: 'staff-1', roles: ['depot-staff'], username: 'staff' };

/**
 * The robots' RPC service over an in-memory depot, on a free port, checking tokens `tokenFor` signs (a robot's:
 * `tokenFor(robotCalled(id))`).
 */
export async function startMemoryRobotsServer(robots = memoryRobots(), heartbeatMs = 10_000) {
  const identity = await testIdentity();
  const server = createRpcServer({
    logger: createLogger({ level: 'silent', format: 'json' }),
    verifier: identity.verifier,
  });
  registerRobotsRpc(server.registrar, robots.operations, undefined, { heartbeatMs });
  const port = await server.listen(0, '127.0.0.1');
  return {
    robots,
    url: `http://127.0.0.1:${port}`,
    tokenFor: identity.tokenFor,
    close: () => server.close(1_000),
  };
}

/** A list of two stops, three items. */
export const aList = (shoppingListId = 'list-1'): BotInstruction => ({
  kind: 'shop',
  shoppingListId,
  orderId: 'order-1',
  stops: [
    {
      storeId: 'store-a',
      storeName: 'Books',
      storeLocation: 'Level 1',
      items: [
        { productId: 'p-1', productName: 'Atlas', quantity: 1 },
        { productId: 'p-2', productName: 'Novel', quantity: 2 },
      ],
    },
    {
      storeId: 'store-b',
      storeName: 'Toys',
      storeLocation: 'Level 2',
      items: [{ productId: 'p-3', productName: 'Kite', quantity: 1 }],
    },
  ],
});

export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
