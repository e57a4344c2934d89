import { toCents } from '@tessera/platform/ddd';
import type { HttpServer } from '@tessera/platform/http';
import type { StoresCommands } from '../../application/commands.js';
import type { StoresQueries } from '../../application/queries.js';
import {
  created,
  idParams,
  newProductBody,
  noContent,
  priceBody,
  problems,
  productResponse,
  productsResponse,
  rebrandProductBody,
  storeIdParams,
  tags,
  toProductDto,
} from './schemas.js';

const commandResponses = (done: string) => ({
  204: noContent(done),
  400: problems.badRequest,
  404: problems.notFound,
  413: problems.tooLarge,
});

/** The stores' catalogs: add, rebrand, reprice and remove products. */
export function registerProductRoutes(http: HttpServer, commands: StoresCommands, queries: StoresQueries) {
  http.post(
    '/api/stores/:storeId/products',
    {
      schema: {
        tags,
        operationId: 'addProduct',
        summary: "Add a product to a store's catalog",
        params: storeIdParams,
        body: newProductBody,
        response: {
          201: created,
          400: problems.badRequest,
          404: problems.notFound,
          413: problems.tooLarge,
        },
      },
    },
    async (request, reply) => {
      const { price, ...product } = request.body;
      const { id } = await commands.addProduct({
        ...product,
        storeId: request.params.storeId,
        priceCents: toCents(price),
      });
      return reply.status(201).header('location', `/api/stores/products/${id}`).send({ id });
    },
  );

  http.get(
    '/api/stores/:storeId/products',
    {
      schema: {
        tags,
        operationId: 'getCatalog',
        summary: "List a store's catalog",
        params: storeIdParams,
        response: { 200: productsResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ products: (await queries.getCatalog(request.params)).map(toProductDto) }),
  );

  http.get(
    '/api/stores/products/:id',
    {
      schema: {
        tags,
        operationId: 'getProduct',
        summary: 'Get a product',
        params: idParams,
        response: { 200: productResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ product: toProductDto(await queries.getProduct(request.params)) }),
  );

  http.put(
    '/api/stores/products/:id/rebrand',
    {
      schema: {
        tags,
        operationId: 'rebrandProduct',
        summary: "Change a product's name and description",
        params: idParams,
        body: rebrandProductBody,
        response: commandResponses('The product has its new name and description'),
      },
    },
    async (request, reply) => {
      await commands.rebrandProduct({ ...request.params, ...request.body });
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/stores/products/:id/increasePrice',
    {
      schema: {
        tags,
        operationId: 'increaseProductPrice',
        summary: "Raise a product's price to a new price",
        description: 'The new price must not be lower than the current one; the same price changes nothing.',
        params: idParams,
        body: priceBody,
        response: commandResponses('The product has its new price'),
      },
    },
    async (request, reply) => {
      await commands.increaseProductPrice({ ...request.params, priceCents: toCents(request.body.price) });
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/stores/products/:id/decreasePrice',
    {
      schema: {
        tags,
        operationId: 'decreaseProductPrice',
        summary: "Lower a product's price to a new price",
        description: 'The new price must not be higher than the current one; the same price changes nothing.',
        params: idParams,
        body: priceBody,
        response: commandResponses('The product has its new price'),
      },
    },
    async (request, reply) => {
      await commands.decreaseProductPrice({ ...request.params, priceCents: toCents(request.body.price) });
      return reply.status(204).send();
    },
  );

  http.delete(
    '/api/stores/products/:id',
    {
      schema: {
        tags,
        operationId: 'removeProduct',
        summary: "Remove a product from its store's catalog",
        params: idParams,
        response: {
          204: noContent('The product is no longer in the catalog'),
          400: problems.badRequest,
          404: problems.notFound,
        },
      },
    },
    async (request, reply) => {
      await commands.removeProduct(request.params);
      return reply.status(204).send();
    },
  );
}
