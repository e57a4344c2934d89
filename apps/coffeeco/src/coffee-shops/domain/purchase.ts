import { invalidArgument, notFound } from '@tessera/platform/ddd';
import { isMeans, MEANS_CARD, MEANS_COFFEEBUX, type Means } from './means.js';
import { Money, USD } from './money.js';
import type { Product } from './product.js';

/** Pending: recorded, not paid yet (or the payment's outcome is not known yet). Then completed or failed, for good. */
export type PurchaseStatus = 'pending' | 'completed' | 'failed';

/** Why a payment was refused: the provider's or Loyalty's code, and the message the till shows. */
export interface PurchaseFailure {
  readonly code: string;
  readonly reason: string;
}

/** A purchase's whole state, as its repository keeps it and gives it back. */
export interface PurchaseState {
  readonly id: string;
  readonly storeId: string;
  readonly ProductsToPurchase: readonly Product[];
  readonly PaymentMeans: Means;
  readonly CardToken?: string;
  /** Who bought, when they said (required to pay with CoffeeBux). */
  readonly coffeeLoverId?: string;
  /** What is charged: the products' prices after the store's discount; nothing for drinks paid with CoffeeBux. */
  readonly total: Money;
  readonly timeOfPurchase: Date;
  readonly status: PurchaseStatus;
  /** The card provider's charge, for a card purchase once charged. */
  readonly chargeId?: string;
  readonly completedAt?: Date;
  readonly failure?: PurchaseFailure;
}

/** What a till (or a coffee lover) asks for: a new purchase under the id its client made. */
export interface PurchaseRequest {
  readonly id: string;
  readonly storeId: string;
  readonly ProductsToPurchase: readonly Product[];
  readonly PaymentMeans: Means;
  readonly CardToken?: string;
  readonly coffeeLoverId?: string;
}

export const purchaseNotFound = () => notFound('purchase_not_found', 'no purchase with that id');

/**
 * The purchase aggregate (the book's `Purchase`): the products bought at a store, how they are paid, the total,
 * and where the payment stands. Its rules live here: what a purchase must have to be taken at all
 * (`validateAndEnrich`), how the store's discount changes the total, and that a purchase is settled once,
 * completed or failed, never both and never again. Its id comes from the client (a till makes one per sale), so
 * a sale submitted twice is one purchase.
 */
export class Purchase {
  readonly #id: string;
  readonly #storeId: string;
  readonly #products: readonly Product[];
  readonly #means: Means;
  readonly #cardToken: string | undefined;
  readonly #coffeeLoverId: string | undefined;
  #total: Money | undefined;
  #timeOfPurchase: Date | undefined;
  #status: PurchaseStatus;
  #chargeId: string | undefined;
  #completedAt: Date | undefined;
  #failure: PurchaseFailure | undefined;

  private constructor(request: PurchaseRequest) {
    this.#id = request.id;
    this.#storeId = request.storeId;
    this.#products = Object.freeze([...request.ProductsToPurchase]);
    this.#means = request.PaymentMeans;
    this.#cardToken = request.CardToken;
    this.#coffeeLoverId = request.coffeeLoverId;
    this.#status = 'pending';
  }

  /** The factory of a new purchase: not yet validated, so no total and no time (see `validateAndEnrich`). */
  static create(request: PurchaseRequest): Purchase {
    return new Purchase(request);
  }

  /** A purchase as its repository kept it. */
  static restore(state: PurchaseState): Purchase {
    const purchase = new Purchase(state);
    purchase.#total = state.total;
    purchase.#timeOfPurchase = state.timeOfPurchase;
    purchase.#status = state.status;
    purchase.#chargeId = state.chargeId;
    purchase.#completedAt = state.completedAt;
    purchase.#failure = state.failure;
    return purchase;
  }

  get id() {
    return this.#id;
  }
  get storeId() {
    return this.#storeId;
  }
  get ProductsToPurchase() {
    return this.#products;
  }
  get PaymentMeans() {
    return this.#means;
  }
  get CardToken() {
    return this.#cardToken;
  }
  get coffeeLoverId() {
    return this.#coffeeLoverId;
  }
  get status() {
    return this.#status;
  }
  get total(): Money {
    return this.#enriched().total;
  }

  /**
   * The book's checks, with their messages, then ours: at least one product; a total that is not zero (a likely
   * mistake at the till); a means we know; a card token for a card and a coffee lover for CoffeeBux (CC-D3: the
   * book dereferenced nothing there). Then the total, and the time of the purchase. Drinks paid with CoffeeBux
   * cost nothing: the zero-total rule is about the prices, before payment.
   */
  validateAndEnrich(now: Date): void {
    if (this.#products.length === 0) {
      throw invalidArgument('empty_purchase', 'purchase must consist of at least one product', 'items');
    }
    const sum = this.#products.reduce((total, product) => total.add(product.BasePrice), Money.zero(USD));
    if (sum.isZero()) {
      throw invalidArgument(
        'zero_total',
        'likely mistake; purchase should never be 0. Please validate',
        'items',
      );
    }
    if (!isMeans(this.#means)) throw invalidArgument('unknown_payment_type', 'unknown payment type', 'means');
    if (this.#means === MEANS_CARD && !this.#cardToken) {
      throw invalidArgument('card_token_missing', 'a card payment needs a card token', 'cardToken');
    }
    if (this.#means === MEANS_COFFEEBUX && !this.#coffeeLoverId) {
      throw invalidArgument(
        'coffee_lover_missing',
        'a CoffeeBux payment needs the coffee lover whose card pays',
        'coffeeLoverId',
      );
    }
    this.#total = this.#means === MEANS_COFFEEBUX ? Money.zero(sum.currency) : sum;
    this.#timeOfPurchase = now;
  }

  /** The store's discount, a whole percent, off the total (CC-D1: 10% off USD 33.00 is USD 29.70). */
  applyStoreDiscount(percent: number): void {
    this.#pending('discount');
    this.#total = this.#enriched().total.percentOff(percent);
  }

  /** Paid: by the card charge `chargeId`, or in cash, or with free drinks. */
  complete(at: Date, chargeId?: string): void {
    this.#pending('complete');
    if (this.#means === MEANS_CARD && !chargeId) throw new Error('a card purchase completes with its charge');
    this.#status = 'completed';
    this.#chargeId = chargeId;
    this.#completedAt = at;
  }

  /** Refused, for good: nothing was taken (a declined card, not enough free drinks). */
  fail(failure: PurchaseFailure): void {
    this.#pending('fail');
    this.#status = 'failed';
    this.#failure = failure;
  }

  /** Whether a request under this purchase's id asks for the same purchase (a till repeating itself). */
  isSameRequestAs(request: Omit<PurchaseRequest, 'ProductsToPurchase'> & { itemNames: readonly string[] }) {
    const names = this.#products.map((product) => product.ItemName);
    return (
      request.id === this.#id &&
      request.storeId === this.#storeId &&
      request.itemNames.length === names.length &&
      request.itemNames.every((name, index) => name === names[index]) &&
      request.PaymentMeans === this.#means &&
      request.CardToken === this.#cardToken &&
      request.coffeeLoverId === this.#coffeeLoverId
    );
  }

  /** The whole state, for the repository (only once validated: a purchase is never kept without its total). */
  state(): PurchaseState {
    const { total, timeOfPurchase } = this.#enriched();
    return {
      id: this.#id,
      storeId: this.#storeId,
      ProductsToPurchase: this.#products,
      PaymentMeans: this.#means,
      ...(this.#cardToken !== undefined && { CardToken: this.#cardToken }),
      ...(this.#coffeeLoverId !== undefined && { coffeeLoverId: this.#coffeeLoverId }),
      total,
      timeOfPurchase,
      status: this.#status,
      ...(this.#chargeId !== undefined && { chargeId: this.#chargeId }),
      ...(this.#completedAt !== undefined && { completedAt: this.#completedAt }),
      ...(this.#failure !== undefined && { failure: this.#failure }),
    };
  }

  #enriched(): { total: Money; timeOfPurchase: Date } {
    if (this.#total === undefined || this.#timeOfPurchase === undefined) {
      throw new Error('the purchase was not validated yet (validateAndEnrich)');
    }
    return { total: this.#total, timeOfPurchase: this.#timeOfPurchase };
  }

  #pending(action: string): void {
    if (this.#status !== 'pending') throw new Error(`cannot ${action} a purchase that is ${this.#status}`);
  }
}
