import { DomainError } from '@tessera/platform/ddd';
import { MEANS_CARD, MEANS_CASH, MEANS_COFFEEBUX } from './means.js';
import type { Money } from './money.js';
import type { Purchase } from './purchase.js';
import { ErrNoDiscount } from './store.js';

/**
 * The card provider, as the purchase needs it (the book's `CardChargeService`; its prose calls it "CardService").
 * One charge per purchase: the adapter sends the purchase id as the provider's idempotency key, so asking again
 * for the same purchase answers the first charge (or the first decline) and never charges twice.
 */
export interface CardChargeService {
  /**
   * Resolves with the charge. Rejects with `CardDeclined` when the provider refused it (nothing was charged);
   * any other rejection (a timeout, a provider that did not answer) leaves the outcome unknown: maybe charged.
   */
  ChargeCard(amount: Money, cardToken: string, purchaseId: string): Promise<{ chargeId: string }>;
}

/** The store's discount for a purchase (the book's `StoreService`): a whole percent, or `ErrNoDiscount`. */
export interface StoreService {
  GetStoreSpecificDiscount(storeID: string): Promise<number>;
}

/**
 * Where purchases are kept (the book's `Repository`). `Store` keeps the purchase as it now is, in one
 * transaction with what that means outside: a new (pending) purchase is inserted, or `PurchaseAlreadyRecorded`
 * when its id is taken; a settled one replaces its pending self, with its PurchaseCompleted message, and nothing
 * happens when another attempt settled it first. (The book's `Ping` is the platform's readiness check.)
 */
export interface Repository {
  Store(purchase: Purchase): Promise<void>;
}

/**
 * Paying with the free drinks of the coffee lover's CoffeeBux card (Loyalty's: the book's `coffeeBuxCard.Pay`),
 * once per purchase however often asked. Rejects with `CoffeeBuxRefused` when the card cannot pay (nothing was
 * taken); any other rejection leaves the outcome unknown.
 */
export interface CoffeeBuxService {
  Pay(purchase: Purchase): Promise<void>;
}

export class CardDeclined extends Error {
  constructor(
    /** The provider's decline code: card_declined, insufficient_funds, expired_card… */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CardDeclined';
  }
}

export class CoffeeBuxRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CoffeeBuxRefused';
  }
}

export class PurchaseAlreadyRecorded extends Error {
  constructor(readonly purchaseId: string) {
    super(`a purchase with id ${purchaseId} is already recorded`);
    this.name = 'PurchaseAlreadyRecorded';
  }
}

/** The payment was refused and the purchase failed, for good: nothing was charged. */
export class PaymentFailed extends DomainError {
  constructor(code: string, message: string) {
    super('failed_precondition', code, message);
    this.name = 'PaymentFailed';
  }
}

/**
 * The payment's outcome is not known (the provider or Loyalty did not answer): the purchase stays pending, and
 * its recovery (or the same request again) pays it with the same idempotency key.
 */
export class PaymentPending extends Error {
  constructor(
    readonly means: 'card' | 'coffeebux',
    options: { cause: unknown },
  ) {
    super(
      means === MEANS_CARD
        ? 'the card provider did not answer: the purchase is pending and will be completed or retried'
        : 'Loyalty did not answer: the purchase is pending and will be completed or retried',
      options,
    );
    this.name = 'PaymentPending';
  }
}

export const CARD_CHARGE_FAILED = 'card charge failed, cancelling purchase';
export const loyaltyCardFailed = (reason: string) => `failed to charge loyalty card: ${reason}`;

/**
 * The domain service that completes a purchase (the book's `purchase.Service`): it needs the store's discount,
 * the card provider or the loyalty card, and the repository, so it is no aggregate's method (S000@1714).
 *
 * Unlike the book, which charged the card and then stored the purchase (so a crash between the two charged a
 * customer for no purchase: CC-D5, B10), it records the purchase as pending, with its total, BEFORE taking any
 * payment, and settles it after: a crash anywhere leaves a pending purchase that `ResumePurchase` finishes.
 */
export class Service {
  constructor(
    private readonly cardService: CardChargeService,
    private readonly purchaseRepo: Repository,
    private readonly storeService: StoreService,
    private readonly coffeeBux: CoffeeBuxService,
    private readonly now: () => Date,
  ) {}

  /**
   * Validates the purchase, applies the store's discount, records it as pending, pays, and records it as
   * completed; or as failed when the payment is refused (`PaymentFailed`). `PaymentPending` when the payment's
   * outcome is unknown. The book's error messages, where it has them.
   */
  async CompletePurchase(storeID: string, purchase: Purchase): Promise<void> {
    purchase.validateAndEnrich(this.now());
    await this.calculateStoreSpecificDiscount(storeID, purchase);
    await this.store(purchase);
    await this.pay(purchase);
  }

  /** Pays a pending purchase again (after a crash, a timeout, or the same request again), and settles it. */
  async ResumePurchase(purchase: Purchase): Promise<void> {
    if (purchase.status === 'pending') await this.pay(purchase);
  }

  private async calculateStoreSpecificDiscount(storeID: string, purchase: Purchase): Promise<void> {
    let discount: number;
    try {
      discount = await this.storeService.GetStoreSpecificDiscount(storeID);
    } catch (error) {
      if (error instanceof ErrNoDiscount) return;
      throw new Error(`failed to get discount: ${(error as Error).message}`, { cause: error });
    }
    // The book multiplied by (100 − d) and never divided (B8); percentOff rounds half-up to the cent (CC-D1).
    if (discount > 0) purchase.applyStoreDiscount(discount);
  }

  private async pay(purchase: Purchase): Promise<void> {
    switch (purchase.PaymentMeans) {
      case MEANS_CARD: {
        let charge: { chargeId: string };
        try {
          // validateAndEnrich made sure a card purchase has its token.
          charge = await this.cardService.ChargeCard(purchase.total, purchase.CardToken ?? '', purchase.id);
        } catch (error) {
          if (!(error instanceof CardDeclined)) throw new PaymentPending('card', { cause: error });
          throw await this.refuse(purchase, error.code, CARD_CHARGE_FAILED);
        }
        purchase.complete(this.now(), charge.chargeId);
        break;
      }
      case MEANS_CASH:
        // The till took the cash (the book left this "for the reader to add").
        purchase.complete(this.now());
        break;
      case MEANS_COFFEEBUX:
        try {
          await this.coffeeBux.Pay(purchase);
        } catch (error) {
          if (!(error instanceof CoffeeBuxRefused)) throw new PaymentPending('coffeebux', { cause: error });
          throw await this.refuse(purchase, 'coffeebux_refused', loyaltyCardFailed(error.reason));
        }
        purchase.complete(this.now());
        break;
      default:
        throw new Error('unknown payment type');
    }
    await this.store(purchase);
  }

  /** Records the refusal; what to tell: the purchase failed and nothing was taken. */
  private async refuse(purchase: Purchase, code: string, reason: string): Promise<PaymentFailed> {
    purchase.fail({ code, reason });
    await this.store(purchase);
    return new PaymentFailed(code, reason);
  }

  private async store(purchase: Purchase): Promise<void> {
    try {
      await this.purchaseRepo.Store(purchase);
    } catch (error) {
      if (error instanceof PurchaseAlreadyRecorded) throw error;
      throw new Error('failed to Store purchase', { cause: error });
    }
  }
}
