import { failedPrecondition } from '@tessera/platform/ddd';
import * as ShoppingList from '../domain/shopping-list.js';
import { type DepotAssignment, type DepotChangeDependencies, depotChanges, recallHolder } from './changes.js';
import type { StoresLookups } from './lookups.js';

export interface DepotCommandDependencies extends DepotChangeDependencies {
  readonly lookups: StoresLookups;
  readonly assignment: Pick<DepotAssignment, 'soon'>;
  /** Ids of new shopping lists (UUID v4). */
  readonly newId: () => string;
}

export interface OrderItem {
  readonly storeId: string;
  readonly productId: string;
  readonly quantity: number;
}

export interface DepotCommands {
  /** One list per order: the same order again answers its list's id and changes nothing. */
  createShoppingList(input: { orderId: string; items: readonly OrderItem[] }): Promise<{ id: string }>;
  /**
   * Cancels the order's list. No list for the order is a no-op: the saga compensates a creation whose reply
   * it never got, which may not have happened (the creation, keyed by the same order, is handled first).
   */
  cancelShoppingList(input: { orderId: string }): Promise<void>;
  /**
   * The order was canceled (Ordering's event): its list is canceled unless it is completed already (the
   * goods are at the depot; nothing is left to stop). No list: nothing to do.
   */
  withdrawShoppingList(input: { orderId: string }): Promise<void>;
  initiateShopping(input: { id: string }): Promise<void>;
  /**
   * The operator gives an available list to a runner outside the fleet. The fleet's bots are given lists
   * automatically: naming one of them is refused.
   */
  assignShoppingList(input: { id: string; botId: string }): Promise<void>;
  /**
   * The operator completes an assigned list (every item counts as picked): publishes ShoppingListCompleted,
   * which readies the order. A list a fleet bot holds is completed by the bot's return, not here.
   */
  completeShoppingList(input: { id: string }): Promise<void>;
}

/**
 * Each command runs in one transaction: load the row, let the domain decide, fold the events into the new
 * state, and save it only if the row is still at the version that was loaded; the integration messages join
 * the transaction (the outbox). A decision of no events writes nothing.
 */
export function createDepotCommands(dependencies: DepotCommandDependencies): DepotCommands {
  const { db, lists, bots, lookups, assignment, newId } = dependencies;
  const changes = depotChanges(dependencies);
  const update = changes.updateList;

  const cancel = (orderId: string, decide: (state: ShoppingList.State) => readonly ShoppingList.Event[]) =>
    db.transaction(async () => {
      const id = await lists.idOfOrder(orderId);
      if (!id) return;
      const { before, state } = await update(id, decide);
      if (before.status !== state.status) {
        await recallHolder({ bots, changes }, id, before, 'the order was canceled');
      }
    });

  const isFleetBot = async (botId: string) => (await bots.load(botId)).state.exists;

  return {
    async createShoppingList({ orderId, items }) {
      const existing = await lists.idOfOrder(orderId);
      if (existing) return { id: existing };
      // One at a time: the first unknown store or product is the one the answer names.
      const resolved: ShoppingList.ResolvedItem[] = [];
      for (const item of items) resolved.push(await lookups.resolve(item));
      const id = newId();
      await update(id, (state) => ShoppingList.create(state, { orderId, items: resolved }));
      return { id };
    },

    cancelShoppingList: ({ orderId }) => cancel(orderId, ShoppingList.cancel),

    withdrawShoppingList: ({ orderId }) =>
      cancel(orderId, (state) => (state.status === 'completed' ? [] : ShoppingList.cancel(state))),

    initiateShopping: ({ id }) =>
      db.transaction(async () => {
        const { before, state } = await update(id, ShoppingList.initiate);
        if (before.status !== state.status) await assignment.soon();
      }),

    assignShoppingList: ({ id, botId }) =>
      db.transaction(async () => {
        if (await isFleetBot(botId.trim())) {
          throw failedPrecondition(
            'bot_assigned_automatically',
            'the fleet’s bots are given lists automatically',
            'botId',
          );
        }
        await update(id, (state) => ShoppingList.assign(state, { botId }));
      }),

    completeShoppingList: ({ id }) =>
      db.transaction(async () => {
        const { state } = await lists.load(id);
        const holder = state.assignedBotId && (await bots.load(state.assignedBotId)).state;
        // Only a bot that holds it: a runner's id that a fleet bot took later leaves the list the operator's.
        if (state.status === 'assigned' && holder && holder.errand?.shoppingListId === id) {
          throw failedPrecondition(
            'shopping_list_held_by_bot',
            'a bot holds the shopping list: it completes it when it is back at the depot',
          );
        }
        await update(id, ShoppingList.complete);
      }),
  };
}
