import { mapPage, toCents } from '@tessera/platform/ddd';
import { type HttpServer, pageAnswer, restRoutes } from '@tessera/platform/http';
import { only } from '@tessera/platform/identity';
import type { StoresCommands } from '../../application/commands.js';
import type { StoresQueries } from '../../application/queries.js';
import { storesRoles } from '../../contract/roles.js';
import {
  byNamePage,
  idParams,
  listQuery,
  newProductBody,
  priceBody,
  problems,
  productResponse,
  productsResponse,
  rebrandProductBody,
  storeIdParams,
  tags,
  toProductDto,
} from './schemas.js';

const managers = only(storesRoles.storeManager);

/** The stores' catalogs: store managers add, rebrand, reprice and remove products; anyone browses. */
export function registerProductRoutes(http: HttpServer, commands: StoresCommands, queries: StoresQueries) {
  const rest = restRoutes(http, { tags, problems });
  rest.post('/api/stores/:storeId/products', 'addProduct', {
    audience: managers,
    summary: "Add a product to a store's catalog",
    params: storeIdParams,
    body: newProductBody,
    created: 'Created',
    location: (id) => `/api/stores/products/${id}`,
    handler: ({ params, body: { price, ...product } }) =>
      commands.addProduct({ ...product, storeId: params.storeId, priceCents: toCents(price) }),
  });

  rest.get('/api/stores/:storeId/products', 'getCatalog', {
    audience: 'anyone',
    summary: "List a store's catalog, by name, a page at a time",
    params: storeIdParams,
    querystring: listQuery,
    ok: productsResponse,
    handler: async ({ params, query }) =>
      pageAnswer('products', mapPage(await queries.getCatalog(params, byNamePage(query)), toProductDto)),
  });

  rest.get('/api/stores/products/:id', 'getProduct', {
    audience: 'anyone',
    summary: 'Get a product',
    params: idParams,
    ok: productResponse,
    handler: async (request) => ({ product: toProductDto(await queries.getProduct(request.params)) }),
  });

  rest.put('/api/stores/products/:id/rebrand', 'rebrandProduct', {
    audience: managers,
    summary: "Change a product's name and description",
    params: idParams,
    body: rebrandProductBody,
    noContent: 'The product has its new name and description',
    handler: (request) => commands.rebrandProduct({ ...request.params, ...request.body }),
  });

  rest.put('/api/stores/products/:id/increasePrice', 'increaseProductPrice', {
    audience: managers,
    summary: "Raise a product's price to a new price",
    description: 'The new price must not be lower than the current one; the same price changes nothing.',
    params: idParams,
    body: priceBody,
    noContent: 'The product has its new price',
    handler: ({ params, body }) =>
      commands.increaseProductPrice({ ...params, priceCents: toCents(body.price) }),
  });

  rest.put('/api/stores/products/:id/decreasePrice', 'decreaseProductPrice', {
    audience: managers,
    summary: "Lower a product's price to a new price",
    description: 'The new price must not be higher than the current one; the same price changes nothing.',
    params: idParams,
    body: priceBody,
    noContent: 'The product has its new price',
    handler: ({ params, body }) =>
      commands.decreaseProductPrice({ ...params, priceCents: toCents(body.price) }),
  });

  rest.delete('/api/stores/products/:id', 'removeProduct', {
    audience: managers,
    summary: "Remove a product from its store's catalog",
    params: idParams,
    noContent: 'The product is no longer in the catalog',
    handler: (request) => commands.removeProduct(request.params),
  });
}
