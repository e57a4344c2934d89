import { fold } from '@tessera/platform/ddd';
import * as ShoppingList from '../domain/shopping-list.js';
import type { StoresLookups } from './lookups.js';
import type { IntegrationOutbox, ShoppingListRepository, UnitOfWork } from './ports.js';

export interface DepotCommandDependencies {
  readonly db: UnitOfWork;
  readonly lists: ShoppingListRepository;
  readonly lookups: StoresLookups;
  readonly outbox: IntegrationOutbox;
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
  initiateShopping(input: { id: string }): Promise<void>;
  /** An available list goes to a bot (for now from the REST API; the bots come later). */
  assignShoppingList(input: { id: string; botId: string }): Promise<void>;
  /** The assigned list was shopped: publishes ShoppingListCompleted, which readies the order. */
  completeShoppingList(input: { id: string }): Promise<void>;
}

/**
 * Each command runs in one transaction: load the row, let the domain decide, fold the events into the new
 * state, and save it only if the row is still at the version that was loaded; the integration messages join
 * the transaction (the outbox). A decision of no events writes nothing.
 */
export function createDepotCommands({
  db,
  lists,
  lookups,
  outbox,
  newId,
}: DepotCommandDependencies): DepotCommands {
  const update = (id: string, decide: (state: ShoppingList.State) => readonly ShoppingList.Event[]) =>
    db.transaction(async () => {
      const { state, version } = await lists.load(id);
      const decided = decide(state);
      if (decided.length === 0) return;
      const next = fold(ShoppingList.aggregate, decided, state);
      await lists.save(id, next, version);
      await outbox.publish(
        decided.map((event) => ({ shoppingListId: id, shoppingList: next, event })),
        version + 1,
      );
    });

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

    async cancelShoppingList({ orderId }) {
      const id = await lists.idOfOrder(orderId);
      if (id) await update(id, ShoppingList.cancel);
    },

    initiateShopping: ({ id }) => update(id, ShoppingList.initiate),
    assignShoppingList: ({ id, botId }) => update(id, (state) => ShoppingList.assign(state, { botId })),
    completeShoppingList: ({ id }) => update(id, ShoppingList.complete),
  };
}
