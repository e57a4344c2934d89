/** A product a shop sells, as checkout sees it. */
export class Product {
  constructor(
    readonly ID: number,
    readonly InStock: boolean,
    readonly InSomeonesCart: boolean,
  ) {}

  /** In stock, and not promised to someone else's cart. */
  CanBeBought(): boolean {
    return this.InStock && !this.InSomeonesCart;
  }
}

/** A customer's cart: its products and its capacity. */
export class ShoppingCart {
  readonly #products: Product[] = [];
  #isFull = false;

  constructor(
    readonly ID: number,
    readonly MaxCartSize: number,
  ) {
    if (!Number.isSafeInteger(MaxCartSize) || MaxCartSize < 1) {
      throw new RangeError('a cart holds at least one product');
    }
  }

  Products(): readonly Product[] {
    return [...this.#products];
  }

  IsFull(): boolean {
    return this.#isFull;
  }

  /** @internal the checkout service's: the cart keeps count, the service keeps the rules. */
  add(product: Product): void {
    this.#products.push(product);
    this.#isFull = this.#products.length >= this.MaxCartSize;
  }
}

/**
 * The book's domain service (SVC-T1): adding to a basket weighs two domain objects at once, the product (can
 * it be bought?) and the cart (is it full?), so the rule belongs to neither and lives here, stateless. The
 * book's version lets a cart grow past its size and silently ignores a product that cannot be bought
 * (Appendix B, B6); here the cart is full at `MaxCartSize`, and a product that cannot be bought is refused
 * with an error and leaves the cart as it was.
 */
export class CheckoutService {
  readonly #shoppingCart: ShoppingCart;

  constructor(shoppingCart: ShoppingCart) {
    this.#shoppingCart = shoppingCart;
  }

  AddProductToBasket(p: Product): void {
    if (
      this.#shoppingCart.IsFull() ||
      this.#shoppingCart.Products().length >= this.#shoppingCart.MaxCartSize
    ) {
      throw new Error('cannot add to cart, its full');
    }
    if (!p.CanBeBought()) throw new Error('cannot add to cart, the product cannot be bought');
    this.#shoppingCart.add(p);
  }
}

export const NewCheckoutService = (shoppingCart: ShoppingCart): CheckoutService =>
  new CheckoutService(shoppingCart);
