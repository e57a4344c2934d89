import { found, type Page, type PageRequest } from '@tessera/platform/ddd';
import { botNotFound, checkBotId } from '../domain/bot.js';
import { type ShoppingListStatus, shoppingListNotFound } from '../domain/shopping-list.js';
import type { BotRepository, Positioned, ShoppingListRepository, ShoppingListView } from './ports.js';
import type { BotView } from './robot-operations.js';

export interface DepotQueries {
  getShoppingList(input: { id: string }): Promise<ShoppingListView>;
  /** Oldest first: the next list a bot should take is the first `available` one. */
  listShoppingLists(
    input: { status: ShoppingListStatus },
    page: PageRequest,
  ): Promise<Page<ShoppingListView>>;
  /** The fleet's bots, by id, with their status and the list each holds. */
  listBots(page: PageRequest): Promise<Page<BotView>>;
  getBot(input: { id: string }): Promise<BotView>;
  /** The lists changed after a change position, in the order of their changes (the depot live). */
  shoppingListChanges(after: number, limit: number): Promise<ReadonlyArray<Positioned<ShoppingListView>>>;
  /** The bots changed after a change position, in the order of their changes (the depot live). */
  botChanges(after: number, limit: number): Promise<ReadonlyArray<Positioned<BotView>>>;
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
    listShoppingLists: ({ status }, page) => lists.withStatus(status, page),
    listBots: (page) => bots.list(page),
    getBot: async ({ id }) => found(await bots.find(checkBotId(id)), botNotFound),
    shoppingListChanges: (after, limit) => lists.changedAfter(after, limit),
    botChanges: (after, limit) => bots.changedAfter(after, limit),
  };
}
