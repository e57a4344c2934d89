import { nonBlank } from '@tessera/platform/ddd';
import type { Money } from './money.js';

/**
 * Something a store sells, by the book's names: its name and its base price. A value object: two products with
 * the same name and price are the same product, and neither ever changes (a new price is a new product).
 */
export interface Product {
  readonly ItemName: string;
  readonly BasePrice: Money;
}

export function product(ItemName: string, BasePrice: Money): Product {
  return Object.freeze({
    ItemName: nonBlank(ItemName, 'item_name_blank', 'a product needs a name', 'itemName'),
    BasePrice,
  });
}

export const sameProduct = (a: Product, b: Product) =>
  a.ItemName === b.ItemName && a.BasePrice.equals(b.BasePrice);
