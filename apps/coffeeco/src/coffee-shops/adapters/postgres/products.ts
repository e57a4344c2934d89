import { Money } from '../../domain/money.js';
import { type Product, product } from '../../domain/product.js';

/** A product as the tables keep it inside a jsonb array (a store's products, a purchase's). */
export interface ProductRow {
  item_name: string;
  base_price_cents: number;
  currency: string;
}

export const productToRow = ({ ItemName, BasePrice }: Product): ProductRow => ({
  item_name: ItemName,
  base_price_cents: BasePrice.amount,
  currency: BasePrice.currency,
});

export const productFromRow = (row: ProductRow): Product =>
  product(row.item_name, Money.of(Number(row.base_price_cents), row.currency));
