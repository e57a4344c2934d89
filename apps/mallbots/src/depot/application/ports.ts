import type { Page, PageRequest, StateRepository } from '@tessera/platform/ddd';
import type { StoresDirectory as StoresCopiesDirectory } from '../../stores/contract/stores-copies.js';
import type * as Bot from '../domain/bot.js';
import type * as ShoppingList from '../domain/shopping-list.js';
import type { BotView } from './robot-operations.js';

/**
 * What the application needs from the outside world. The adapters implement these; the platform's SQL client
 * is the UnitOfWork (`@tessera/platform/ddd`).
 */

/** A shopping list as clients see it. */
export interface ShoppingListView {
  readonly id: string;
  readonly orderId: string;
  readonly status: ShoppingList.ShoppingListStatus;
  readonly stops: readonly ShoppingList.Stop[];
  readonly assignedBotId?: string;
  readonly createdAt: Date;
}

/** A row as a live feed sends it: with the change position it took when it last changed (ADR 0040). */
export type Positioned<View> = View & { readonly position: number };

/**
 * Shopping lists as rows (CRUD, as the spec), saved with optimistic concurrency; one per order. `load` answers
 * the empty state at version 0 for an unknown id (including one that is not a UUID); `save` refuses a second
 * list for the same order with a `conflict`, as it does a row that moved since its load.
 */
export interface ShoppingListRepository extends StateRepository<ShoppingList.State> {
  /** The id of the order's list, if it has one. */
  idOfOrder(orderId: string): Promise<string | undefined>;
  find(id: string): Promise<ShoppingListView | undefined>;
  /** A page of the lists in a status, oldest first (by creation): the key is [created at, id]. */
  withStatus(status: ShoppingList.ShoppingListStatus, page: PageRequest): Promise<Page<ShoppingListView>>;
  /** The lists whose last change is after `position`, in the order of their changes, at most `limit`. */
  changedAfter(position: number, limit: number): Promise<ReadonlyArray<Positioned<ShoppingListView>>>;
  /**
   * Takes the depot's one assignment lock until the transaction ends: one assigner at a time, across every
   * depot process, so each sees what the previous one committed.
   */
  lockAssignment(): Promise<void>;
  /** The oldest available list, locked until the transaction ends (waiting for a writer that holds it). */
  oldestAvailable(): Promise<string | undefined>;
}

/**
 * The bots as rows (`depot.bots`), saved with optimistic concurrency like the lists. The save's option, `seen`:
 * the bot itself did this (its last-seen time moves).
 */
export interface BotRepository extends StateRepository<Bot.State, boolean> {
  find(id: string): Promise<BotView | undefined>;
  /** A page of the bots, by id: the key is [id]. */
  list(page: PageRequest): Promise<Page<BotView>>;
  /** The bots whose last change is after `position`, in the order of their changes, at most `limit`. */
  changedAfter(position: number, limit: number): Promise<ReadonlyArray<Positioned<BotView>>>;
  /** The connected bot idle the longest, locked until the transaction ends (waiting for a writer that holds it). */
  longestIdle(): Promise<string | undefined>;
  /** The bot's stream `session` is still open: its last-seen time moves (no new version: nothing changed). */
  seen(id: string, session: string): Promise<void>;
  /** Bots marked online whose last-seen time is more than `ms` ago, with the session that connected them. */
  silentSince(ms: number): Promise<Array<{ id: string; session?: string }>>;
}

/** Wake-ups for the bots' streams, from any process. */
export interface BotSignals {
  /** Inside a transaction: sent when (and only if) it commits. */
  changed(botId: string): Promise<void>;
  /** Calls `onChange` after each committed change of the bot, and once after a lost connection. */
  watch(botId: string, onChange: () => void): Promise<() => Promise<void>>;
}

/** The deadline after which a vanished bot loses its list. Both join the ambient transaction. */
export interface BotTimeouts {
  /** (Re)starts the bot's timeout; `botVersion` is the bot's version once offline, to recognise it later. */
  start(input: { botId: string; shoppingListId: string; botVersion: number }): Promise<void>;
  cancel(botId: string): Promise<void>;
}

/** A store as Depot needs it (the anti-corruption layer keeps only this of Stores' model). */
export interface StoreInfo {
  readonly id: string;
  readonly name: string;
  readonly location: string;
}

/** A product as Depot needs it: no price, the depot does not handle money. */
export interface ProductInfo {
  readonly id: string;
  readonly storeId: string;
  readonly name: string;
}

/** Stores' public API, asked on a miss of the local copies of Stores' data (`depot.stores_cache`, `depot.products_cache`; see the README). */
export type StoresDirectory = StoresCopiesDirectory<StoreInfo, ProductInfo>;

/** Stores could not be asked: the one error of Stores' contract, whoever answers for Stores. */
export { StoresUnavailableError } from '../../stores/contract/stores-service.js';

/** A shopping-list event as it is published: with the list it happened to, and that list after the save. */
export interface SavedShoppingListEvent {
  readonly shoppingListId: string;
  readonly shoppingList: ShoppingList.State;
  readonly event: ShoppingList.Event;
}

/**
 * Where the integration messages of a save go, inside the saving transaction: they exist if and only if the
 * save commits. `savedVersion` is the row's version after the save, which makes their ids stable.
 */
export interface IntegrationOutbox {
  publish(events: readonly SavedShoppingListEvent[], savedVersion: number): Promise<void>;
}
