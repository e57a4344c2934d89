import { mapPage, toCents } from '@tessera/platform/ddd';
import { type HttpServer, pageAnswer, restRoutes } from '@tessera/platform/http';
import { lcApplicationsRoles } from '../../../lc-applications/contract/roles.js';
import type { ComplianceCommands } from '../../application/commands.js';
import type { ComplianceQueries } from '../../application/queries.js';
import { complianceRoles } from '../../contract/roles.js';
import {
  applicationParams,
  approvedProductsResponse,
  byNamePage,
  listQuery,
  noChecksYet,
  productBody,
  productChecksResponse,
  productParams,
  productResponse,
  productsResponse,
  tags,
  toProductDto,
} from './schemas.js';

const analysts = { roles: [complianceRoles.productAnalyst] };

/**
 * Compliance's routes under /api/compliance: product analysts keep the product register and read the checks;
 * the trade-finance desk reads the checks of the applications it decides.
 */
export function registerComplianceRoutes(
  http: HttpServer,
  { commands, queries }: { commands: ComplianceCommands; queries: ComplianceQueries },
) {
  const rest = restRoutes(http, { tags });

  rest.put('/api/compliance/products/:productId', 'registerProduct', {
    audience: analysts,
    summary: 'Register a product in a category (and its reference price), or change what the register says',
    params: productParams,
    body: productBody,
    ok: productResponse,
    handler: async ({ params, body: { referencePrice, ...product } }) => ({
      product: toProductDto(
        await commands.registerProduct({
          id: params.productId,
          ...product,
          ...(referencePrice !== undefined && { referencePriceCents: toCents(referencePrice) }),
        }),
      ),
    }),
  });

  rest.get('/api/compliance/products', 'listProducts', {
    audience: analysts,
    summary: 'The product register, by name, a page at a time',
    querystring: listQuery,
    ok: productsResponse,
    handler: async ({ query }) =>
      pageAnswer('products', mapPage(await queries.listProducts(byNamePage(query)), toProductDto)),
  });

  rest.get('/api/compliance/approved-products', 'listApprovedProducts', {
    audience: {
      roles: [
        lcApplicationsRoles.applicant,
        lcApplicationsRoles.tradeFinanceManager,
        complianceRoles.productAnalyst,
      ],
      // The bank's reference list, nobody's own: every applicant reads the same one.
      owner: async () => undefined,
    },
    summary:
      'Approved Product Identifiers: the products merchandise may name (registered, not prohibited), by name',
    description:
      "Ids and names only: the categories and reference prices the checks judge by stay the analysts'.",
    querystring: listQuery,
    ok: approvedProductsResponse,
    handler: async ({ query }) =>
      pageAnswer(
        'products',
        mapPage(await queries.approvedProducts(byNamePage(query)), ({ id, name }) => ({ id, name })),
      ),
  });

  rest.get('/api/compliance/product-checks/:lcApplicationId', 'getProductChecks', {
    audience: { roles: [complianceRoles.productAnalyst, lcApplicationsRoles.tradeFinanceManager] },
    summary: "Product analysis's decisions on a submitted LC application: value and legality",
    params: applicationParams,
    ok: productChecksResponse,
    problems: noChecksYet,
    handler: ({ params }) => queries.productChecks(params),
  });
}
