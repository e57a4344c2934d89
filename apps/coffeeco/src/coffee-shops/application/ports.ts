import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { CoffeeLover } from '../domain/coffee-lover.js';
import type { PurchaseState } from '../domain/purchase.js';
import type { Store } from '../domain/store.js';

export type { IdentityAccounts } from '@tessera/platform/identity';
export type { CardChargeService, CoffeeBuxService } from '../domain/purchase-service.js';

/** The coffee lovers the coffee shops know, by id. */
export interface CoffeeLoverRegister {
  add(coffeeLover: CoffeeLover): Promise<void>;
  /** Any id: one that is nobody's (not even a UUID) finds nobody. */
  find(id: string): Promise<CoffeeLover | undefined>;
  /** Those with this email address (in lower case, as kept), first registered first: maybe several (ENT-2). */
  withEmail(email: string, page: PageRequest): Promise<Page<CoffeeLover>>;
}

/** The stores, by id. */
export interface StoreRegister {
  add(store: Store): Promise<void>;
  find(id: string): Promise<Store | undefined>;
  /** Every store, by location (then id). */
  list(page: PageRequest): Promise<Page<Store>>;
  /** Changes the store in one transaction, holding it meanwhile; undefined when there is no such store. */
  update(id: string, change: (store: Store) => Store): Promise<Store | undefined>;
}

/** The purchases' rows (the repository's storage: the domain's `Repository` is built on it). */
export interface PurchaseRows {
  find(id: string): Promise<PurchaseState | undefined>;
  /** Inserts a pending purchase; false when its id is taken (the same request, or a concurrent one). */
  insertPending(purchase: PurchaseState): Promise<boolean>;
  /** Replaces the pending row with the settled purchase; false when it was settled already (by another attempt). */
  settle(purchase: PurchaseState): Promise<boolean>;
  /** A coffee lover's purchases, newest first. */
  ofCoffeeLover(coffeeLoverId: string, page: PageRequest): Promise<Page<PurchaseState>>;
}

/** Where completed purchases are announced, in the settling transaction (the broker's outbox). */
export interface PurchaseOutbox {
  purchaseCompleted(purchase: PurchaseState): Promise<void>;
}

/**
 * A durable reminder to finish a pending purchase, written in the transaction that records it pending: if
 * nothing settles it first (a crash, a provider that did not answer), it comes due and the purchase is resumed.
 */
export interface PurchaseRecovery {
  /** Resume `purchaseId` later (its `attempt`th resumption); replaces what was scheduled for it. */
  schedule(purchaseId: string, attempt: number): Promise<void>;
  cancel(purchaseId: string): Promise<void>;
}

/**
 * Where the fault-injection tests crash a purchase's handling (a hook that throws there): after the pending
 * purchase is committed; after the card is charged, before the purchase is completed; after the completion is
 * committed, before the answer.
 */
export type PurchaseCrashPoint =
  | 'afterPendingSaved'
  | 'afterChargeBeforeCompletion'
  | 'afterCompletionBeforeAnswer';
export type PurchaseFaults = (point: PurchaseCrashPoint, purchaseId: string) => void;
