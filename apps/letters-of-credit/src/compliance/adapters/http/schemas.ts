import { fromCents } from '@tessera/platform/ddd';
import { decimalAmount, nextPage, pageQuery, pageRequest, problemResponse } from '@tessera/platform/http';
import { isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import { productDecisionSchema } from '../../contract/integration-events.js';
import type { Product } from '../../domain/products.js';

export const tags = ['compliance'];

/** Ids are UUIDs, lower-cased so that one product has one entry whatever case the client sends. */
const uuid = z.uuid().toLowerCase();
export const productParams = z.object({ productId: uuid });
export const applicationParams = z.object({ lcApplicationId: uuid });

/** Products are listed by name, then id: a page's key is [name, id]. */
export const listQuery = z.strictObject(pageQuery);
export const byNamePage = (query: z.output<typeof listQuery>) =>
  pageRequest(query, 2, ([, id]) => isUuid(id!));

export const productBody = z.strictObject({
  name: z.string().max(200).describe('Blank names are refused'),
  category: z
    .string()
    .max(50)
    .describe('E.g. textiles, machinery, narcotics (compared in lower case); blank categories are refused'),
  referencePrice: decimalAmount({ min: 0.01, max: 1e12 })
    .optional()
    .describe('What one unit is worth, in USD, when known: the value check compares the LC amount with it'),
});

const productSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  category: z.string(),
  referencePrice: z.number().optional(),
});
export const productResponse = z.object({ product: productSchema });
export const productsResponse = z.object({ products: z.array(productSchema), next: nextPage });
/** What an applicant sees of the register: which products there are, not how the analysts judge them. */
export const approvedProductsResponse = z.object({
  products: z.array(z.object({ id: z.uuid(), name: z.string() })),
  next: nextPage,
});

export const productChecksResponse = z.object({
  lcApplicationId: z.uuid(),
  value: productDecisionSchema.describe('USD only, within the maximum, not over the reference prices'),
  legality: productDecisionSchema.describe(
    'No product of a prohibited category (and, by default, all registered)',
  ),
  decidedAt: z.string(),
});

/** The register's entries map to the wire shape explicitly, so a new column never leaks into the API. */
export const toProductDto = ({ id, name, category, referencePriceCents }: Product) => ({
  id,
  name,
  category,
  ...(referencePriceCents !== undefined && { referencePrice: fromCents(referencePriceCents) }),
});

/** Registering is a PUT at the product's id, new or not: only reading the checks can find nothing. */
export const noChecksYet = { 404: problemResponse('No product checks for that LC application yet') };
