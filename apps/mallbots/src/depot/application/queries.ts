import { type ShoppingListStatus, shoppingListNotFound } from '../domain/shopping-list.js';
import type { ShoppingListRepository, ShoppingListView } from './ports.js';

export interface DepotQueries {
  getShoppingList(input: { id: string }): Promise<ShoppingListView>;
  /** Oldest first: the next list a bot should take is the first `available` one. */
  listShoppingLists(input: { status: ShoppingListStatus; limit: number }): Promise<ShoppingListView[]>;
}

export function createDepotQueries({ lists }: { lists: ShoppingListRepository }): DepotQueries {
  return {
    async getShoppingList({ id }) {
      const list = await lists.find(id);
      if (!list) throw shoppingListNotFound();
      return list;
    },
    listShoppingLists: ({ status, limit }) => lists.withStatus(status, limit),
  };
}
