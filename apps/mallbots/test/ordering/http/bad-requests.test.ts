import { describeBadRequests, expectDocumentedRoutes, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderingModule } from '../../../src/ordering/module.js';
import { HOST_START_MS, type OrderingHost, startOrderingHost } from '../support/host.js';

const orderNotFound = { code: 'order_not_found' };

/** Every Ordering route. */
const routes = [
  { method: 'GET', path: '/api/ordering/:id', notFound: orderNotFound },
  { method: 'DELETE', path: '/api/ordering/:id', notFound: orderNotFound },
  {
    method: 'POST',
    path: '/api/ordering/:id/staff-cancel',
    body: { reason: 'never picked up' },
    notFound: orderNotFound,
  },
] as const;

describe.each(testDatabases)('Ordering API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: OrderingHost;
  beforeAll(async () => {
    api = await startOrderingHost(backend);
  }, HOST_START_MS);
  afterAll(() => api.close());

  describeBadRequests(() => api, routes);

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, orderingModule, '/api/ordering', [
      '/api/ordering/{id}',
      '/api/ordering/{id}/staff-cancel',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'cancelOrder',
      'getOrder',
      'staffCancelOrder',
    ]);
    for (const operation of operations) {
      expect(operation.responses['404']?.content).toHaveProperty(['application/problem+json']);
    }
  });

  it('lists the Order channel and its messages, and the command channel it receives, in the AsyncAPI document', async () => {
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    expect(document).toContain('mallbots.ordering.events.Order');
    expect(document).toContain('mallbots.ordering.commands');
    for (const name of [
      'OrderCreated',
      'OrderRejected',
      'OrderApproved',
      'OrderReadied',
      'OrderCanceled',
      'OrderCompleted',
    ]) {
      expect(document).toContain(`ordersapi.${name}`);
    }
    for (const name of ['ApproveOrder', 'RejectOrder']) expect(document).toContain(`ordersapi.${name}`);
  });
});
