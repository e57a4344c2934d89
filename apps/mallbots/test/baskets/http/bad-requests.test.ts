import {
  describeBadRequests,
  expectDocumentedRoutes,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basketsModule } from '../../../src/baskets/module.js';
import { type BasketsHost, CUSTOMER, HOST_START_MS, startBasketsHost } from '../support/host.js';

const basketNotFound = { code: 'basket_not_found' };
const item = { productId: unknownId(), quantity: 1 };

/** Every Baskets route. */
const routes = [
  { method: 'POST', path: '/api/baskets', body: { customerId: CUSTOMER } },
  { method: 'GET', path: '/api/baskets/:id', notFound: basketNotFound },
  { method: 'PUT', path: '/api/baskets/:id/addItem', body: item, notFound: basketNotFound },
  { method: 'PUT', path: '/api/baskets/:id/removeItem', body: item, notFound: basketNotFound },
  {
    method: 'PUT',
    path: '/api/baskets/:id/checkout',
    body: { paymentId: 'pay-1' },
    notFound: basketNotFound,
  },
  { method: 'DELETE', path: '/api/baskets/:id', notFound: basketNotFound },
] as const;

describe.each(testDatabases)('Baskets API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: BasketsHost;
  beforeAll(async () => {
    api = await startBasketsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api.close());

  describeBadRequests(() => api, routes);

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, basketsModule, '/api/baskets', [
      '/api/baskets',
      '/api/baskets/{id}',
      '/api/baskets/{id}/addItem',
      '/api/baskets/{id}/removeItem',
      '/api/baskets/{id}/checkout',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'addItem',
      'cancelBasket',
      'checkoutBasket',
      'getBasket',
      'getBasketCheckout',
      'removeItem',
      'startBasket',
    ]);
    const addItem = operations.find((operation) => operation.operationId === 'addItem')!;
    expect(addItem.responses['503']?.content).toHaveProperty(['application/problem+json']);
  });

  it('lists the Basket channel and its three messages in the AsyncAPI document', async () => {
    const document = (await api.call('GET', '/asyncapi.json')).json<{ channels: Record<string, unknown> }>();
    expect(JSON.stringify(document.channels)).toContain('mallbots.baskets.events.Basket');
    for (const name of ['BasketStarted', 'BasketCanceled', 'BasketCheckedOut']) {
      expect(JSON.stringify(document)).toContain(`basketsapi.${name}`);
    }
  });
});
