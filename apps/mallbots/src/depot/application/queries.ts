import { found } from '@tessera/platform/ddd';
import { botNotFound, checkBotId } from '../domain/bot.js';
import { type ShoppingListStatus, shoppingListNotFound } from '../domain/shopping-list.js';
import type { BotRepository, ShoppingListRepository, ShoppingListView } from './ports.js';
import type { BotView } from './robot-operations.js';

export interface DepotQueries {
  getShoppingList(input: { id: string }): Promise<ShoppingListView>;
  /** Oldest first: the next list a bot should take is the first `available` one. */
  listShoppingLists(input: { status: ShoppingListStatus; limit: number }): Promise<ShoppingListView[]>;
  /** Every bot of the fleet, by id, with its status and the list it holds. */
  listBots(): Promise<BotView[]>;
  getBot(input: { id: string }): Promise<BotView>;
}

export function createDepotQueries({
  lists,
  bots,
}: {
  lists: ShoppingListRepository;
  bots: BotRepository;
}): DepotQueries {
  return {
    getShoppingList: async ({ id }) => found(await lists.find(id), shoppingListNotFound),
    listShoppingLists: ({ status, limit }) => lists.withStatus(status, limit),
    listBots: () => bots.all(),
    getBot: async ({ id }) => found(await bots.find(checkBotId(id)), botNotFound),
  };
}
