import { invalidArgument, nonBlank, notFound } from '@tessera/platform/ddd';
import { Money, USD } from './money.js';
import type { Product } from './product.js';

/**
 * A store, by the book's names: an entity (its id stays; where it is, what it sells and its discount change).
 * The book kept the discount in a separate document and decoded the whole document as a number (B11); here it is
 * a field of the store (CC-D6): a whole percent from 0 (none) to 100.
 */
export interface Store {
  readonly ID: string;
  readonly Location: string;
  readonly ProductsForSale: readonly Product[];
  readonly discountPercent: number;
}

/** The book's "no discount for store": a StoreService may say so instead of answering 0. */
export class ErrNoDiscount extends Error {
  constructor() {
    super('no discount for store');
    this.name = 'ErrNoDiscount';
  }
}

export const storeNotFound = () => notFound('store_not_found', 'no store with that id');

/** A new store at a location: it sells nothing yet and gives no discount. */
export function openStore({ ID, Location }: { ID: string; Location: string }): Store {
  return {
    ID,
    Location: nonBlank(Location, 'location_blank', 'a store needs a location', 'location'),
    ProductsForSale: [],
    discountPercent: 0,
  };
}

/** What the store sells from now on, each name once, in its own currency (USD). */
export function sell(store: Store, products: readonly Product[]): Store {
  const names = new Set<string>();
  products.forEach((product, index) => {
    if (names.has(product.ItemName)) {
      throw invalidArgument(
        'duplicate_item',
        `"${product.ItemName}" is listed twice: each product has one price`,
        `products.${index}.itemName`,
      );
    }
    if (product.BasePrice.currency !== USD) {
      throw invalidArgument('bad_currency', 'stores sell in USD', `products.${index}.basePrice.currency`);
    }
    names.add(product.ItemName);
  });
  return { ...store, ProductsForSale: [...products] };
}

/** The store-specific discount on every purchase from now on: a whole percent, 0 to 100. */
export function giveDiscount(store: Store, percent: number): Store {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw invalidArgument('bad_discount', 'a discount is a whole percent from 0 to 100', 'percent');
  }
  return { ...store, discountPercent: percent };
}

/**
 * The products a till asks for by name, at the store's prices: the till never sends a price. A name the store
 * does not sell is refused, naming its place in the list.
 */
export function productsFor(store: Store, itemNames: readonly string[]): Product[] {
  return itemNames.map((name, index) => {
    const product = store.ProductsForSale.find((candidate) => candidate.ItemName === name);
    if (!product) {
      throw invalidArgument('unknown_item', `this store does not sell "${name}"`, `items.${index}`);
    }
    return product;
  });
}

/** What a till is told before it takes the payment: the products, their sum, the store's discount and the total. */
export interface Quote {
  readonly products: readonly Product[];
  readonly subtotal: Money;
  readonly discountPercent: number;
  readonly total: Money;
}

/**
 * The price of a till's items at this store now, paid with money: the same arithmetic a purchase does (its sum,
 * then the store's discount off it, half-up to the cent: CC-D1), so the till shows the total the purchase will
 * charge, computed where the purchase's is.
 */
export function quote(store: Store, itemNames: readonly string[]): Quote {
  const products = productsFor(store, itemNames);
  const subtotal = products.reduce((sum, each) => sum.add(each.BasePrice), Money.zero(USD));
  return {
    products,
    subtotal,
    discountPercent: store.discountPercent,
    total: subtotal.percentOff(store.discountPercent),
  };
}
