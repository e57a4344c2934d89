import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
  unknownId,
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
      {
        method: 'PUT',
        path: '/api/depot/shopping/:id/assign',
        body: { botId: 'bot-1' },
        notFound: shoppingListNotFound,
      },
      { method: 'PUT', path: '/api/depot/shopping/:id/complete', notFound: shoppingListNotFound },
    ],
  );

  it('refuses a blank or over-long bot id when assigning, naming it', async () => {
    for (const botId of ['', '   ', 'b'.repeat(101)]) {
      expectProblem(await api.call('PUT', `/api/depot/shopping/${unknownId()}/assign`, { botId }), 400, {
        code: 'invalid_request',
        field: 'body.botId',
      });
    }
  });

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
    expect(response.json()).toEqual({ shoppingLists: [], position: expect.any(Number) });
    expect((await api.call('GET', '/api/depot/shopping')).statusCode).toBe(200);
  });

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, depotModule, '/api/depot', [
      '/api/depot/bots',
      '/api/depot/bots/{id}',
      '/api/depot/bots/live',
      '/api/depot/shopping',
      '/api/depot/shopping/{id}',
      '/api/depot/shopping/{id}/assign',
      '/api/depot/shopping/{id}/complete',
      '/api/depot/shopping/live',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'assignShoppingList',
      'completeShoppingList',
      'followBots',
      'followShoppingLists',
      'getBot',
      'getShoppingList',
      'listBots',
      'listShoppingLists',
    ]);
    for (const operationId of ['assignShoppingList', 'completeShoppingList']) {
      const operation = operations.find((o) => o.operationId === operationId)!;
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['204', '400', '404', '409']));
    }
  });

  it('lists the ShoppingList channel it publishes and the command channel it receives in the AsyncAPI document', async () => {
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    for (const text of [
      'mallbots.depot.events.ShoppingList',
      'mallbots.depot.commands',
      'depotapi.ShoppingListCreated',
      'depotapi.ShoppingListAvailable',
      'depotapi.ShoppingListCanceled',
      'depotapi.ShoppingListAssigned',
      'depotapi.ShoppingListItemReported',
      'depotapi.ShoppingListCompleted',
      'depotapi.CreateShoppingList',
      'depotapi.CancelShoppingList',
      'depotapi.InitiateShopping',
    ]) {
      expect(document).toContain(text);
    }
  });
});
