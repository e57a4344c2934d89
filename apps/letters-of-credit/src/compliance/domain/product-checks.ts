import { moneyText } from '@tessera/platform/ddd';
import type { Product } from './products.js';

/** A check's outcome: approved or not, with remarks saying why (empty when there is nothing to say). */
export interface Decision {
  readonly approved: boolean;
  readonly remarks: string;
}

/** What product analysis reads of a submitted application. */
export interface Application {
  readonly amountCents: number;
  readonly currency: string;
  readonly items: readonly { readonly productId: string; readonly quantity: number }[];
}

/** The products of the register an application names, by id (a product missing here is not registered). */
export type Register = ReadonlyMap<string, Product>;

/** The EventStorming policies of product analysis (§1.4), with the settings the bank may change. */
export interface ProductRules {
  /** "LC maximum value of $500K": the largest amount, in US cents. */
  readonly maximumAmountCents: number;
  /** "Drug import is prohibited": the categories of products no LC may pay for, in lower case. */
  readonly prohibitedCategories: readonly string[];
  /**
   * A product missing from the register: `illegal` until an analyst registers it (the board's read model is
   * "Approved Product Identifiers"), or `legal`, with a remark naming it.
   */
  readonly unregisteredProducts: 'legal' | 'illegal';
  /** Over-invoicing: how far, in percent, the amount may exceed the merchandise's value at reference prices. */
  readonly priceTolerancePercent: number;
}

/** "LC issued only in USD". */
export const LC_CURRENCY = 'USD';

export const DEFAULT_PRODUCT_RULES: ProductRules = {
  maximumAmountCents: 500_000_00,
  prohibitedCategories: ['narcotics'],
  unregisteredProducts: 'illegal',
  priceTolerancePercent: 10,
};

const usd = (cents: number | bigint) => moneyText(cents, LC_CURRENCY);

/** Approved when nothing is wrong; the remarks give what is wrong, then what is only worth knowing. */
const decision = (wrong: readonly string[], notes: readonly string[] = []): Decision => ({
  approved: wrong.length === 0,
  remarks: [...wrong, ...notes].join('; '),
});

/** The merchandise at reference prices, in cents; unknown when a product has no reference price. */
function referenceValue(application: Application, register: Register): bigint | undefined {
  let total = 0n;
  for (const { productId, quantity } of application.items) {
    const price = register.get(productId)?.referencePriceCents;
    if (price === undefined) return undefined;
    total += BigInt(price) * BigInt(quantity);
  }
  return total;
}

/**
 * Product value: the LC is in USD, within the maximum (the maximum itself is allowed), and not more than the
 * tolerance over what its merchandise is worth at reference prices (over-invoicing moves money abroad). The
 * comparison needs a reference price for every item; without one, it is not made, and the remarks say so.
 */
export function productValue(application: Application, register: Register, rules: ProductRules): Decision {
  const { amountCents, currency } = application;
  if (currency !== LC_CURRENCY) return decision([`LCs are issued only in ${LC_CURRENCY}, not ${currency}`]);
  const wrong: string[] = [];
  if (amountCents > rules.maximumAmountCents) {
    wrong.push(`the amount ${usd(amountCents)} is over the maximum of ${usd(rules.maximumAmountCents)}`);
  }
  const reference = referenceValue(application, register);
  if (reference === undefined) {
    return decision(wrong, [
      'not every product has a reference price: the amount was not compared with them',
    ]);
  }
  if (BigInt(amountCents) * 100n > reference * BigInt(100 + rules.priceTolerancePercent)) {
    wrong.push(
      `the amount ${usd(amountCents)} is more than ${rules.priceTolerancePercent}% over the merchandise's ` +
        `value at reference prices, ${usd(reference)}`,
    );
  }
  return decision(wrong);
}

/**
 * Product legality: no item is a product of a prohibited category. A product missing from the register is
 * illegal or legal as the rules say, and named in the remarks either way; an application with no items has
 * nothing that could be found legal.
 */
export function productLegality(application: Application, register: Register, rules: ProductRules): Decision {
  if (application.items.length === 0) return decision(['the application names no merchandise']);
  const prohibited = application.items.flatMap(({ productId }) => {
    const product = register.get(productId);
    return product && rules.prohibitedCategories.includes(product.category)
      ? [`${product.name} is ${product.category}, whose import is prohibited`]
      : [];
  });
  const unregistered = application.items
    .filter(({ productId }) => !register.has(productId))
    .map(({ productId }) => productId);
  const missing =
    unregistered.length === 0 ? [] : [`not in the product register: ${unregistered.join(', ')}`];
  return rules.unregisteredProducts === 'illegal'
    ? decision([...prohibited, ...missing])
    : decision(prohibited, missing);
}
