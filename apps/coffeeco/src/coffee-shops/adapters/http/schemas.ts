import { fromCents } from '@tessera/platform/ddd';
import { decimalAmount, nextPage, pageQuery } from '@tessera/platform/http';
import { z } from 'zod';
import type { CoffeeLover } from '../../domain/coffee-lover.js';
import { MEANS_CARD, MEANS_COFFEEBUX } from '../../domain/means.js';
import type { Money } from '../../domain/money.js';
import type { Product } from '../../domain/product.js';
import type { PurchaseState } from '../../domain/purchase.js';
import type { Quote, Store } from '../../domain/store.js';

export const tags = ['coffee-shops'];

/** Ids are UUIDs, lower-cased so that one thing has one row whatever case the client sends. */
const uuid = z.uuid().toLowerCase();
export const coffeeLoverParams = z.object({ coffeeLoverId: uuid });
export const storeParams = z.object({ storeId: uuid });
export const purchaseParams = z.object({
  purchaseId: uuid.describe('Made by the client (a till makes one per sale)'),
});
export const coffeeLoverPurchasesQuery = z.object(pageQuery);
export const storesQuery = z.object(pageQuery);
export const coffeeLoversQuery = z.object({
  email: z.email().max(254).describe('The email address they registered with (any case)'),
  ...pageQuery,
});

/** A till's items, by name, as many as are bought: `?items=Latte&items=Latte&items=Scone`. */
const itemNames = z
  .array(z.string().trim().min(1).max(100))
  .min(1, 'say at least one item')
  .max(50)
  .describe("Product names, one per product bought, as the store's products name them");
export const quoteQuery = z.object({
  // One `items` in a query string arrives as a string, several as an array.
  items: z.preprocess((value) => (typeof value === 'string' ? [value] : value), itemNames),
});

export const newCoffeeLoverBody = z.strictObject({
  firstName: z.string().max(100).describe('Blank names are refused'),
  lastName: z.string().max(100),
  email: z.email().max(254),
  username: z.string().regex(/^[A-Za-z0-9._@-]{3,64}$/, "3 to 64 letters, digits, or '.', '_', '@', '-'"),
  password: z.string().min(8).max(256),
});

export const newStoreBody = z.strictObject({
  location: z.string().max(200).describe('Where it is; not blank'),
});

const usd = (amount: z.ZodType<number>) =>
  z.strictObject({ amount, currency: z.literal('USD').describe('Stores sell in US dollars') });

export const productsBody = z.strictObject({
  products: z
    .array(
      z.strictObject({
        itemName: z.string().trim().min(1).max(100),
        basePrice: usd(decimalAmount({ min: 0, max: 10_000 }).describe('e.g. 3.30')),
      }),
    )
    .max(100)
    .describe('Everything the store sells from now on, each name once'),
});

export const discountBody = z.strictObject({
  percent: z.number().int().min(0).max(100).describe('Off every purchase: a whole percent, 0 for none'),
});

/**
 * A purchase as a till sends it: the items by name (the store's prices apply: a till sends none), how it is
 * paid, the card token for a card, the coffee lover for CoffeeBux. The rules that tie fields together are
 * checked here too, so that each refusal names its field.
 */
export const purchaseBody = z
  .strictObject({
    storeId: uuid,
    items: z
      .array(z.string().trim().min(1).max(100))
      .min(1, 'purchase must consist of at least one product')
      .max(50)
      .describe("Product names, one per product bought, as the store's products name them"),
    means: z.enum(['card', 'cash', 'coffeebux'], { error: 'unknown payment type' }),
    cardToken: z.string().min(1).max(255).optional().describe('For a card: the token the card terminal gave'),
    coffeeLoverId: uuid.optional().describe('Who buys; required to pay with CoffeeBux'),
  })
  .superRefine((body, context) => {
    if (body.means === MEANS_CARD && body.cardToken === undefined) {
      context.addIssue({ code: 'custom', path: ['cardToken'], message: 'a card payment needs a card token' });
    }
    if (body.means !== MEANS_CARD && body.cardToken !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['cardToken'],
        message: 'only a card payment takes a card token',
      });
    }
    if (body.means === MEANS_COFFEEBUX && body.coffeeLoverId === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['coffeeLoverId'],
        message: 'a CoffeeBux payment needs the coffee lover whose card pays',
      });
    }
  });

const money = z.object({
  amount: z.number().describe('Decimal currency units, e.g. 29.70'),
  currency: z.string(),
});
const productDto = z.object({ itemName: z.string(), basePrice: money });

const coffeeLoverDto = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
});
export const coffeeLoverResponse = z.object({ coffeeLover: coffeeLoverDto });
export const coffeeLoversPage = z.object({ coffeeLovers: z.array(coffeeLoverDto), next: nextPage });

const storeDto = z.object({
  id: z.uuid(),
  location: z.string(),
  discountPercent: z.number().int(),
  products: z.array(productDto),
});
export const storeResponse = z.object({ store: storeDto });
export const storesPage = z.object({ stores: z.array(storeDto), next: nextPage });

export const quoteResponse = z.object({
  quote: z.object({
    items: z.array(productDto).describe('The products asked for, at the store’s prices, in the order asked'),
    subtotal: money.describe('Their sum'),
    discountPercent: z.number().int().describe("The store's discount, a whole percent"),
    discount: money.describe('What the discount takes off'),
    total: money.describe('What a purchase of them paid with money (card or cash) is charged now'),
  }),
});

const purchaseDto = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  coffeeLoverId: z.string().optional(),
  means: z.enum(['card', 'cash', 'coffeebux']),
  items: z.array(productDto),
  total: money.describe(
    "What is charged, after the store's discount (nothing for drinks paid with CoffeeBux)",
  ),
  status: z.enum(['pending', 'completed', 'failed']),
  purchasedAt: z.string(),
  completedAt: z.string().optional(),
  chargeId: z.string().optional().describe("The card provider's charge"),
  failure: z.object({ code: z.string(), reason: z.string() }).optional(),
});

export const purchaseResponse = z.object({ purchase: purchaseDto });
export const purchasesPage = z.object({ purchases: z.array(purchaseDto), next: nextPage });

// The domain maps to the wire explicitly, so a new field never leaks into the API by accident.
const moneyDto = ({ amount, currency }: Money) => ({ amount: fromCents(amount), currency });
const toProductDto = ({ ItemName, BasePrice }: Product) => ({
  itemName: ItemName,
  basePrice: moneyDto(BasePrice),
});

export const coffeeLoverDtoOf = ({ ID, FirstName, LastName, EmailAddress }: CoffeeLover) => ({
  id: ID,
  firstName: FirstName,
  lastName: LastName,
  email: EmailAddress,
});
export const toCoffeeLoverDto = (coffeeLover: CoffeeLover) => ({
  coffeeLover: coffeeLoverDtoOf(coffeeLover),
});

export const storeDtoOf = ({ ID, Location, ProductsForSale, discountPercent }: Store) => ({
  id: ID,
  location: Location,
  discountPercent,
  products: ProductsForSale.map(toProductDto),
});
export const toStoreDto = (store: Store) => ({ store: storeDtoOf(store) });

export const toQuoteDto = ({ products, subtotal, discountPercent, total }: Quote) => ({
  quote: {
    items: products.map(toProductDto),
    subtotal: moneyDto(subtotal),
    discountPercent,
    discount: { amount: fromCents(subtotal.amount - total.amount), currency: subtotal.currency },
    total: moneyDto(total),
  },
});

/** The card token is not shown: it is the card terminal's, and only the provider needs it again. */
export const toPurchaseDto = (purchase: PurchaseState) => ({
  id: purchase.id,
  storeId: purchase.storeId,
  ...(purchase.coffeeLoverId !== undefined && { coffeeLoverId: purchase.coffeeLoverId }),
  means: purchase.PaymentMeans,
  items: purchase.ProductsToPurchase.map(toProductDto),
  total: moneyDto(purchase.total),
  status: purchase.status,
  purchasedAt: purchase.timeOfPurchase.toISOString(),
  ...(purchase.completedAt && { completedAt: purchase.completedAt.toISOString() }),
  ...(purchase.chargeId !== undefined && { chargeId: purchase.chargeId }),
  ...(purchase.failure && { failure: purchase.failure }),
});

export const problems = {
  badRequest: 'The request is invalid (see code and errors: each names its field)',
  notFound: 'No coffee lover, store or purchase with that id',
};
