import { describe, expect, it } from 'vitest';
import type {
  BotRepository,
  BotSignals,
  IntegrationOutbox,
  ShoppingListRepository,
} from '../../../src/depot/application/ports.js';
import { createRobotOperations } from '../../../src/depot/application/robots.js';
import type * as Bot from '../../../src/depot/domain/bot.js';
import type * as ShoppingList from '../../../src/depot/domain/shopping-list.js';
import { inMemoryUnitOfWork } from '../support/unit-of-work.js';

const LIST = '5b7e2c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d';
const BOT = 'bot-1';

/** A bot shopping a list of two stops, its rows in memory; the list's loads counted. */
function world() {
  let loads = 0;
  const item = (productId: string) => ({ productId, productName: productId, quantity: 1 });
  let list: { state: ShoppingList.State; version: number } = {
    state: {
      exists: true,
      orderId: 'order-1',
      status: 'assigned',
      assignedBotId: BOT,
      stops: [
        { storeId: 'books', storeName: 'Books', storeLocation: 'L1', items: [item('dune')] },
        { storeId: 'toys', storeName: 'Toys', storeLocation: 'L2', items: [item('yoyo')] },
      ],
    },
    version: 3,
  };
  let bot: { state: Bot.State; version: number } = {
    state: {
      exists: true,
      name: 'Picker',
      online: true,
      errand: { shoppingListId: LIST, phase: 'shopping' },
    },
    version: 4,
  };
  const db = inMemoryUnitOfWork;
  const lists = {
    load: async () => {
      loads++;
      return list;
    },
    async save(_id: string, state: ShoppingList.State) {
      list = { state, version: list.version + 1 };
    },
  } as unknown as ShoppingListRepository;
  const bots = {
    load: async () => bot,
    async save(_id: string, state: Bot.State) {
      bot = { state, version: bot.version + 1 };
    },
  } as unknown as BotRepository;
  const outbox: IntegrationOutbox = { publish: async () => {} };
  const signals = { changed: async () => {} } as unknown as BotSignals;
  const robots = createRobotOperations({
    db,
    lists,
    bots,
    outbox,
    signals,
    assignment: { run: async () => {} },
    timeouts: { start: async () => {}, cancel: async () => {} },
  } as unknown as Parameters<typeof createRobotOperations>[0]);
  return { robots, loads: () => loads, list: () => list.state };
}

describe("a bot's item report", () => {
  it('answers the next instruction from the list it just saved, reading the list once', async () => {
    const { robots, loads, list } = world();
    const next = await robots.reportItem({
      botId: BOT,
      shoppingListId: LIST,
      storeId: 'books',
      productId: 'dune',
      outcome: 'picked',
    });
    expect(list().status).toBe('active');
    expect(next).toMatchObject({
      kind: 'shop',
      shoppingListId: LIST,
      orderId: 'order-1',
      stops: [{ items: [{ productId: 'dune', outcome: 'picked' }] }, { items: [{ productId: 'yoyo' }] }],
    });
    expect(loads()).toBe(1);
  });

  it('answers return once every item is reported', async () => {
    const { robots } = world();
    const report = (storeId: string, productId: string) =>
      robots.reportItem({ botId: BOT, shoppingListId: LIST, storeId, productId, outcome: 'picked' });
    await report('books', 'dune');
    expect(await report('toys', 'yoyo')).toEqual({ kind: 'return', shoppingListId: LIST });
  });
});
