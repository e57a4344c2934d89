import {
  conflict,
  found,
  invalidArgument,
  type Page,
  type PageRequest,
  type UnitOfWork,
} from '@tessera/platform/ddd';
import { coffeeLoverNotFound } from '../domain/coffee-lover.js';
import type { Means } from '../domain/means.js';
import { Purchase, type PurchaseState, purchaseNotFound } from '../domain/purchase.js';
import {
  type CardChargeService,
  type CoffeeBuxService,
  PaymentFailed,
  PaymentPending,
  PurchaseAlreadyRecorded,
  type Repository,
  Service,
  type StoreService,
} from '../domain/purchase-service.js';
import { productsFor, storeNotFound } from '../domain/store.js';
import type {
  CoffeeLoverRegister,
  PurchaseFaults,
  PurchaseOutbox,
  PurchaseRecovery,
  PurchaseRows,
  StoreRegister,
} from './ports.js';

export interface PurchaseDependencies {
  readonly db: Pick<UnitOfWork, 'transaction' | 'afterCommit'>;
  readonly purchases: PurchaseRows;
  readonly stores: StoreRegister;
  readonly coffeeLovers: CoffeeLoverRegister;
  readonly cards: CardChargeService;
  readonly coffeeBux: CoffeeBuxService;
  readonly outbox: PurchaseOutbox;
  readonly recovery: PurchaseRecovery;
  readonly now: () => Date;
  /** Crash points, for the fault-injection tests only. */
  readonly faults?: PurchaseFaults;
  /** Told of each purchase this process settled (completed or failed), once that has committed. */
  readonly onSettled?: (purchase: PurchaseState) => void;
}

/** A till's (or a coffee lover's) purchase: the items by name, at the store's prices. */
export interface RecordPurchase {
  readonly purchaseId: string;
  readonly storeId: string;
  readonly items: readonly string[];
  readonly means: Means;
  readonly cardToken?: string;
  readonly coffeeLoverId?: string;
}

/**
 * The purchases' application service: finds the store and its prices, asks the domain service to complete the
 * purchase, and owns the transactions (the repository below is where each step commits). The same request
 * again (same client-generated id) is answered with the same purchase, and pays nothing twice: a pending one
 * is resumed, a settled one is read back.
 */
export function createPurchases(deps: PurchaseDependencies) {
  const { db, purchases, stores, coffeeLovers, outbox, recovery, faults } = deps;

  // The domain's Repository: each Store is a transaction of its own, with what it means outside. Recorded
  // pending with its recovery deadline, before anything is paid; settled once, with its message.
  const repository: Repository = {
    async Store(purchase) {
      const state = purchase.state();
      if (state.status === 'pending') {
        await db.transaction(async () => {
          if (!(await purchases.insertPending(state))) throw new PurchaseAlreadyRecorded(state.id);
          await recovery.schedule(state.id, 1);
        });
        faults?.('afterPendingSaved', state.id);
        return;
      }
      await db.transaction(async () => {
        // Settled by another attempt first (a repeated request, the recovery): that one told the world.
        if (!(await purchases.settle(state))) return;
        if (state.status === 'completed') await outbox.purchaseCompleted(state);
        await recovery.cancel(state.id);
        await db.afterCommit(() => deps.onSettled?.(state));
      });
      if (state.status === 'completed') faults?.('afterCompletionBeforeAnswer', state.id);
    },
  };
  const cards: CardChargeService = faults
    ? {
        async ChargeCard(amount, cardToken, purchaseId) {
          const charge = await deps.cards.ChargeCard(amount, cardToken, purchaseId);
          faults('afterChargeBeforeCompletion', purchaseId);
          return charge;
        },
      }
    : deps.cards;
  const storeService: StoreService = {
    GetStoreSpecificDiscount: async (storeID) =>
      found(await stores.find(storeID), storeNotFound).discountPercent,
  };
  const service = new Service(cards, repository, storeService, deps.coffeeBux, deps.now);

  /** The purchase as it now stands; a failed one is its refusal again. */
  const settled = async (id: string): Promise<PurchaseState> => {
    const state = found(await purchases.find(id), purchaseNotFound);
    if (state.status === 'failed' && state.failure) {
      throw new PaymentFailed(state.failure.code, state.failure.reason);
    }
    return state;
  };

  /** The same id again: the same request is resumed if pending and answered as it stands; another is refused. */
  const again = async (existing: PurchaseState, request: RecordPurchase) => {
    const purchase = Purchase.restore(existing);
    const same = purchase.isSameRequestAs({
      id: request.purchaseId,
      storeId: request.storeId,
      itemNames: request.items,
      PaymentMeans: request.means,
      CardToken: request.cardToken,
      coffeeLoverId: request.coffeeLoverId,
    });
    if (!same) {
      throw conflict(
        'purchase_id_taken',
        'a different purchase was already recorded under this id: a new purchase needs a new id',
      );
    }
    await service.ResumePurchase(purchase);
    return settled(request.purchaseId);
  };

  return {
    /**
     * Records and pays the purchase, or answers the one already recorded under its id. `PaymentFailed` (the
     * purchase failed, nothing was taken), `PaymentPending` (the outcome is not known yet: it is resumed later).
     */
    async record(request: RecordPurchase): Promise<PurchaseState> {
      const existing = await purchases.find(request.purchaseId);
      if (existing) return again(existing, request);
      const store = await stores.find(request.storeId);
      if (!store) throw invalidArgument('store_not_found', 'no store with that id', 'storeId');
      if (request.coffeeLoverId !== undefined && !(await coffeeLovers.find(request.coffeeLoverId))) {
        throw invalidArgument('coffee_lover_not_found', 'no coffee lover with that id', 'coffeeLoverId');
      }
      const purchase = Purchase.create({
        id: request.purchaseId,
        storeId: store.ID,
        ProductsToPurchase: productsFor(store, request.items),
        PaymentMeans: request.means,
        ...(request.cardToken !== undefined && { CardToken: request.cardToken }),
        ...(request.coffeeLoverId !== undefined && { coffeeLoverId: request.coffeeLoverId }),
      });
      try {
        await service.CompletePurchase(store.ID, purchase);
      } catch (error) {
        // The same request, arrived at the same time: it recorded the purchase first; join it.
        if (!(error instanceof PurchaseAlreadyRecorded)) throw error;
        return again(found(await purchases.find(request.purchaseId), purchaseNotFound), request);
      }
      return settled(request.purchaseId);
    },

    /**
     * A pending purchase's recovery came due (in the handling's transaction). The next one is scheduled first,
     * in that transaction, so that whatever becomes of this try the purchase is not forgotten; the payment is
     * tried after the commit, outside any transaction, so that the provider's time holds no connection (ADR
     * 0014). A settlement removes the next recovery; a payment still without an answer leaves it, twice as far
     * off. A purchase no longer pending needs nothing.
     */
    async resume({ purchaseId, attempt }: { purchaseId: string; attempt: number }): Promise<void> {
      if ((await purchases.find(purchaseId))?.status !== 'pending') return;
      await recovery.schedule(purchaseId, attempt + 1);
      await db.afterCommit(async () => {
        const state = await purchases.find(purchaseId);
        if (state?.status !== 'pending') return;
        try {
          await service.ResumePurchase(Purchase.restore(state));
        } catch (error) {
          // Failed (and recorded so), or still unknown (the next recovery is scheduled): nothing more to do.
          if (!(error instanceof PaymentFailed || error instanceof PaymentPending)) throw error;
        }
      });
    },

    get: async (id: string): Promise<PurchaseState> => found(await purchases.find(id), purchaseNotFound),

    /** Whose purchase it is ('' for a purchase nobody named); not found when there is none. */
    ownerOf: async (id: string): Promise<string> =>
      found(await purchases.find(id), purchaseNotFound).coffeeLoverId ?? '',

    async ofCoffeeLover(coffeeLoverId: string, page: PageRequest): Promise<Page<PurchaseState>> {
      found(await coffeeLovers.find(coffeeLoverId), coffeeLoverNotFound);
      return purchases.ofCoffeeLover(coffeeLoverId, page);
    },
  };
}

export type Purchases = ReturnType<typeof createPurchases>;
