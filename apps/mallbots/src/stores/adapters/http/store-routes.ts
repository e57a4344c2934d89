import { mapPage } from '@tessera/platform/ddd';
import { type HttpServer, pageAnswer, restRoutes } from '@tessera/platform/http';
import { only } from '@tessera/platform/identity';
import type { StoresCommands } from '../../application/commands.js';
import type { StoresQueries } from '../../application/queries.js';
import { storesRoles } from '../../contract/roles.js';
import {
  byNamePage,
  idParams,
  listQuery,
  newStoreBody,
  problems,
  rebrandStoreBody,
  storeResponse,
  storesResponse,
  tags,
  toStoreDto,
} from './schemas.js';

const managers = only(storesRoles.storeManager);

/** The mall's stores: create, rebrand, and toggle their participation in automated shopping. Anyone browses. */
export function registerStoreRoutes(http: HttpServer, commands: StoresCommands, queries: StoresQueries) {
  const rest = restRoutes(http, { tags, problems });
  rest.post('/api/stores', 'createStore', {
    audience: managers,
    summary: 'Create a store',
    body: newStoreBody,
    created: 'Created',
    handler: (request) => commands.createStore(request.body),
  });

  rest.get('/api/stores', 'getStores', {
    audience: 'anyone',
    summary: 'List the stores in the mall, by name, a page at a time',
    querystring: listQuery,
    ok: storesResponse,
    handler: async ({ query }) =>
      pageAnswer('stores', mapPage(await queries.getStores(byNamePage(query)), toStoreDto)),
  });

  rest.get('/api/stores/participating', 'getParticipatingStores', {
    audience: 'anyone',
    summary: 'List the stores taking part in automated shopping, by name, a page at a time',
    querystring: listQuery,
    ok: storesResponse,
    handler: async ({ query }) =>
      pageAnswer('stores', mapPage(await queries.getParticipatingStores(byNamePage(query)), toStoreDto)),
  });

  rest.get('/api/stores/:id', 'getStore', {
    audience: 'anyone',
    summary: 'Get a store',
    params: idParams,
    ok: storeResponse,
    handler: async (request) => ({ store: toStoreDto(await queries.getStore(request.params)) }),
  });

  rest.put('/api/stores/:id/participating', 'enableParticipation', {
    audience: managers,
    summary: 'Let a store take part in automated shopping',
    params: idParams,
    noContent: 'The store now takes part',
    handler: (request) => commands.enableParticipation(request.params),
  });

  rest.delete('/api/stores/:id/participating', 'disableParticipation', {
    audience: managers,
    summary: 'Stop a store taking part in automated shopping',
    params: idParams,
    noContent: 'The store no longer takes part',
    handler: (request) => commands.disableParticipation(request.params),
  });

  rest.put('/api/stores/:id/rebrand', 'rebrandStore', {
    audience: managers,
    summary: 'Rename a store',
    params: idParams,
    body: rebrandStoreBody,
    noContent: 'The store has its new name',
    handler: (request) => commands.rebrandStore({ ...request.params, ...request.body }),
  });
}
