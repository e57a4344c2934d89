import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depotModule } from '../../../src/depot/module.js';
import { type DepotHost, HOST_START_MS, startDepotHost } from '../support/host.js';

const shoppingListNotFound = { code: 'shopping_list_not_found', detail: 'no shopping list with that ID' };

describe.each(testDatabases)('Depot API, on $backend', (backend) => {
  let api: DepotHost;
  beforeAll(async () => {
    api = await startDepotHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  describeBadRequests(
    () => api,
    [
      { method: 'GET', path: '/api/depot/shopping' },
      { method: 'GET', path: '/api/depot/shopping/:id', notFound: shoppingListNotFound },
    ],
  );

  it('refuses an unknown status, a bad limit, or an unknown parameter when listing, naming it', async () => {
    for (const [query, field] of [
      ['status=lost', 'querystring.status'],
      ['limit=0', 'querystring.limit'],
      ['limit=101', 'querystring.limit'],
      ['limit=ten', 'querystring.limit'],
      ['colour=red', 'querystring.colour'],
    ] as const) {
      expectProblem(await api.call('GET', `/api/depot/shopping?${query}`), 400, {
        code: 'invalid_request',
        field,
      });
    }
  });

  it('lists available lists by default, and an empty list when there are none', async () => {
    const response = await api.call('GET', '/api/depot/shopping?status=completed');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ shoppingLists: [] });
    expect((await api.call('GET', '/api/depot/shopping')).statusCode).toBe(200);
  });

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, depotModule, '/api/depot', [
      '/api/depot/shopping',
      '/api/depot/shopping/{id}',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'getShoppingList',
      'listShoppingLists',
    ]);
  });

  it('lists the ShoppingList channel it publishes and the command channel it receives in the AsyncAPI document', async () => {
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    for (const text of [
      'mallbots.depot.events.ShoppingList',
      'mallbots.depot.commands',
      'depotapi.ShoppingListCreated',
      'depotapi.ShoppingListAvailable',
      'depotapi.ShoppingListCanceled',
      'depotapi.CreateShoppingList',
      'depotapi.CancelShoppingList',
      'depotapi.InitiateShopping',
    ]) {
      expect(document).toContain(text);
    }
  });
});
