import type { HttpServer } from '@tessera/platform/http';
import type { StoresCommands } from '../../application/commands.js';
import type { StoresQueries } from '../../application/queries.js';
import {
  created,
  idParams,
  newStoreBody,
  noContent,
  problems,
  rebrandStoreBody,
  storeResponse,
  storesResponse,
  tags,
  toStoreDto,
} from './schemas.js';

/** The mall's stores: create, rebrand, and toggle their participation in automated shopping. */
export function registerStoreRoutes(http: HttpServer, commands: StoresCommands, queries: StoresQueries) {
  http.post(
    '/api/stores',
    {
      schema: {
        tags,
        operationId: 'createStore',
        summary: 'Create a store',
        body: newStoreBody,
        response: { 201: created, 400: problems.badRequest, 413: problems.tooLarge },
      },
    },
    async (request, reply) => {
      const { id } = await commands.createStore(request.body);
      return reply.status(201).header('location', `/api/stores/${id}`).send({ id });
    },
  );

  http.get(
    '/api/stores',
    {
      schema: {
        tags,
        operationId: 'getStores',
        summary: 'List every store in the mall',
        response: { 200: storesResponse },
      },
    },
    async () => ({ stores: (await queries.getStores()).map(toStoreDto) }),
  );

  http.get(
    '/api/stores/participating',
    {
      schema: {
        tags,
        operationId: 'getParticipatingStores',
        summary: 'List the stores taking part in automated shopping',
        response: { 200: storesResponse },
      },
    },
    async () => ({ stores: (await queries.getParticipatingStores()).map(toStoreDto) }),
  );

  http.get(
    '/api/stores/:id',
    {
      schema: {
        tags,
        operationId: 'getStore',
        summary: 'Get a store',
        params: idParams,
        response: { 200: storeResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ store: toStoreDto(await queries.getStore(request.params)) }),
  );

  http.put(
    '/api/stores/:id/participating',
    {
      schema: {
        tags,
        operationId: 'enableParticipation',
        summary: 'Let a store take part in automated shopping',
        params: idParams,
        response: {
          204: noContent('The store now takes part'),
          400: problems.badRequest,
          404: problems.notFound,
        },
      },
    },
    async (request, reply) => {
      await commands.enableParticipation(request.params);
      return reply.status(204).send();
    },
  );

  http.delete(
    '/api/stores/:id/participating',
    {
      schema: {
        tags,
        operationId: 'disableParticipation',
        summary: 'Stop a store taking part in automated shopping',
        params: idParams,
        response: {
          204: noContent('The store no longer takes part'),
          400: problems.badRequest,
          404: problems.notFound,
        },
      },
    },
    async (request, reply) => {
      await commands.disableParticipation(request.params);
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/stores/:id/rebrand',
    {
      schema: {
        tags,
        operationId: 'rebrandStore',
        summary: 'Rename a store',
        params: idParams,
        body: rebrandStoreBody,
        response: {
          204: noContent('The store has its new name'),
          400: problems.badRequest,
          404: problems.notFound,
          413: problems.tooLarge,
        },
      },
    },
    async (request, reply) => {
      await commands.rebrandStore({ ...request.params, ...request.body });
      return reply.status(204).send();
    },
  );
}
