import { nonBlank } from '@tessera/platform/ddd';

/**
 * A product as product analysis knows it: the register entry for a product id that applications name in their
 * merchandise. LC Application Processing calls it merchandise; here it is a product, in a category.
 */
export interface Product {
  readonly id: string;
  readonly name: string;
  /** In lower case (`narcotics`, `textiles`): what the legality check reads. */
  readonly category: string;
  /** What one unit is worth, in US cents, when the analysts know it: what the value check compares with. */
  readonly referencePriceCents?: number;
}

/** A product as an analyst registers it, or registers again with a change: named, and in a category. */
export function registerProduct(input: Product): Product {
  const { id, referencePriceCents } = input;
  return {
    id,
    name: nonBlank(input.name, 'product_name_blank', 'the product name cannot be blank', 'name'),
    category: nonBlank(
      input.category,
      'product_category_blank',
      'the product category cannot be blank',
      'category',
    ).toLowerCase(),
    ...(referencePriceCents !== undefined && { referencePriceCents }),
  };
}
