import { fromCents } from '@tessera/platform/ddd';
import { decimalAmount, nextPage, pageQuery, pageRequest } from '@tessera/platform/http';
import { isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import type { CatalogProduct, MallStore } from '../../application/ports.js';

export const tags = ['stores'];

/** Ids are UUIDs; lower-cased so that one product has one stream whatever case the client sends. */
const uuid = z.uuid().toLowerCase();
export const idParams = z.object({ id: uuid });
export const storeIdParams = z.object({ storeId: uuid });

/** Stores and products are listed by name, then id: a page's key is [name, id]. */
export const listQuery = z.strictObject(pageQuery);
export const byNamePage = (query: z.output<typeof listQuery>) =>
  pageRequest(query, 2, ([, id]) => isUuid(id!));

const text = (max: number) => z.string().trim().max(max);

/** Negative prices pass here on purpose: the domain owns that rule and its message. */
export const price = decimalAmount({ min: -10_000_000, max: 10_000_000 });

export const newStoreBody = z.strictObject({
  name: text(100).describe('Blank names are refused'),
  location: text(200).describe('Where the store is in the mall; blank locations are refused'),
});
export const rebrandStoreBody = z.strictObject({ name: text(100) });
export const newProductBody = z.strictObject({
  name: text(100).describe('Blank names are refused'),
  description: text(1000).describe('Blank descriptions are refused'),
  sku: text(64).describe('The stock-keeping unit; blank SKUs are refused'),
  price: price.describe('In currency units, with at most 2 decimal places; not negative'),
});
export const rebrandProductBody = z.strictObject({
  name: text(100).describe('Blank names are refused'),
  description: text(1000).describe('Blank descriptions are refused'),
});
export const priceBody = z.strictObject({
  price: price.describe('The new price, in currency units, with at most 2 decimal places'),
});

const storeSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  location: z.string(),
  participating: z.boolean(),
});
export const storeResponse = z.object({ store: storeSchema });
export const storesResponse = z.object({ stores: z.array(storeSchema), next: nextPage });

const productSchema = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  description: z.string(),
  sku: z.string(),
  price: z.number(),
});
export const productResponse = z.object({ product: productSchema });
export const productsResponse = z.object({ products: z.array(productSchema), next: nextPage });

/** Read models map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toStoreDto = ({ id, name, location, participating }: MallStore) => ({
  id,
  name,
  location,
  participating,
});

export const toProductDto = ({ id, storeId, name, description, sku, priceCents }: CatalogProduct) => ({
  id,
  storeId,
  name,
  description,
  sku,
  price: fromCents(priceCents),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  notFound: 'No store or product with that ID',
  conflict:
    'The store or product is not in a state that allows this change (see code), or it changed concurrently',
};
