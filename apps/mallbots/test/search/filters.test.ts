import { expectDocumentedRoutes, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchModule } from '../../src/search/module.js';
import {
  expectProblem,
  type ItemSpec,
  newId,
  orderCreated,
  type SearchHost,
  startSearchHost,
  statusMessage,
  unknownId,
} from './support.js';

const HOST_START_MS = 60_000;

// Ids sorted so that expectations read newest first: O6 was placed last.
const [C1, C2, C3] = [newId(), newId(), newId()];
const [S1, S2] = [newId(), newId()];
const [P1, P2, P3] = [newId(), newId(), newId()];
const [O1, O2, O3, O4, O5, O6] = [newId(), newId(), newId(), newId(), newId(), newId()];

const arm = (quantity: number): ItemSpec => ({
  productId: P1,
  storeId: S1,
  productName: 'Robot Arm',
  storeName: 'Robot Emporium',
  priceCents: 1000,
  quantity,
});
const gripper = (quantity: number): ItemSpec => ({
  productId: P2,
  storeId: S1,
  productName: 'Gripper',
  storeName: 'Robot Emporium',
  priceCents: 3000,
  quantity,
});
const wheel = (quantity: number): ItemSpec => ({
  productId: P3,
  storeId: S2,
  productName: 'Wheel',
  storeName: 'Wheel World',
  priceCents: 550,
  quantity,
});
const at = (iso: string) => new Date(iso);

describe.each(testDatabases)('searching orders on $backend', (backend) => {
  let api: SearchHost;

  // Totals: O1 20.00, O2 5.50, O3 41.00 then 30.00 once ready without its wheels, O4 10.00, O5 90.00,
  // O6 22.00. Names: C1 and C2 from Customers' events, C3 from the Customers service (no event).
  beforeAll(async () => {
    api = await startSearchHost(backend);
    api.customers.known.set(C3, 'Cy');
    await api.publish({
      type: 'customersapi.CustomerRegistered',
      data: { id: C1, name: 'Ada', smsNumber: '+15551' },
    });
    await api.publish({
      type: 'customersapi.CustomerRegistered',
      data: { id: C2, name: 'Bob', smsNumber: '+15552' },
    });
    await api.settled();
    await api.publish(orderCreated(O1, C1, [arm(2)]), at('2030-01-01T10:00:00Z'));
    await api.publish(orderCreated(O2, C1, [wheel(1)]), at('2030-01-02T10:00:00Z'));
    await api.publish(statusMessage('approved', O2, C1));
    await api.publish(orderCreated(O3, C2, [gripper(1), wheel(2)]), at('2030-01-03T10:00:00Z'));
    await api.publish(statusMessage('approved', O3, C2));
    await api.publish(
      statusMessage('ready', O3, C2, {
        totalCents: 3000,
        unavailableItems: [{ storeId: S2, productId: P3 }],
      }),
    );
    await api.publish(orderCreated(O4, C2, [arm(1)]), at('2030-01-04T10:00:00Z'));
    await api.publish(statusMessage('canceled', O4, C2));
    await api.publish(orderCreated(O5, C3, [gripper(3)]), at('2030-01-05T10:00:00Z'));
    await api.publish(statusMessage('approved', O5, C3));
    await api.publish(statusMessage('ready', O5, C3, { totalCents: 9000 }));
    await api.publish(statusMessage('completed', O5, C3));
    await api.publish(orderCreated(O6, C1, [wheel(4)]), at('2030-01-05T12:00:00Z'));
    await api.publish(statusMessage('rejected', O6, C1));
    await api.settled();
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('GET shows the denormalized order: names, items in currency units, adjusted total, status', async () => {
    expect(await api.getOrder(O3)).toEqual({
      id: O3,
      customerId: C2,
      customerName: 'Bob',
      items: [
        {
          productId: P2,
          storeId: S1,
          productName: 'Gripper',
          storeName: 'Robot Emporium',
          price: 30,
          quantity: 1,
        },
        {
          productId: P3,
          storeId: S2,
          productName: 'Wheel',
          storeName: 'Wheel World',
          price: 5.5,
          quantity: 2,
        },
      ],
      total: 30,
      status: 'ready',
      unavailableItems: [{ storeId: S2, productId: P3 }],
      createdAt: '2030-01-03T10:00:00.000Z',
      updatedAt: expect.any(String),
    });
    expect(await api.getOrder(O5)).toMatchObject({ customerName: 'Cy', status: 'completed', total: 90 });
    expect(await api.getOrder(O1)).toMatchObject({ customerName: 'Ada', status: 'pending', total: 20 });
  });

  it('follows every status in Ordering words', async () => {
    const statuses = await Promise.all(
      [O1, O2, O3, O4, O5, O6].map(async (id) => (await api.getOrder(id)).status),
    );
    expect(statuses).toEqual(['pending', 'approved', 'ready', 'canceled', 'completed', 'rejected']);
  });

  it('GET of an unknown order is a 404 problem; a malformed id a 400 naming it', async () => {
    expectProblem(await api.call('GET', `/api/search/orders/${unknownId()}`), 404, {
      code: 'order_not_found',
    });
    expectProblem(await api.call('GET', '/api/search/orders/not-an-id'), 400, { field: 'params.id' });
  });

  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['no filter', {}, [O6, O5, O4, O3, O2, O1]],
    ['customerId', { customerId: C1 }, [O6, O2, O1]],
    ['an unknown customerId', { customerId: unknownId() }, []],
    ['after (inclusive)', { after: '2030-01-03T10:00:00Z' }, [O6, O5, O4, O3]],
    ['before (exclusive)', { before: '2030-01-03T10:00:00Z' }, [O2, O1]],
    [
      'after and before',
      { after: '2030-01-02T00:00:00Z', before: '2030-01-05T00:00:00+00:00' },
      [O4, O3, O2],
    ],
    ['storeIds, one', { storeIds: [S2] }, [O6, O3, O2]],
    ['storeIds, any of two', { storeIds: [S1, S2] }, [O6, O5, O4, O3, O2, O1]],
    ['productIds, one', { productIds: [P1] }, [O4, O1]],
    ['productIds, any of two', { productIds: [P1, P3] }, [O6, O4, O3, O2, O1]],
    ['an empty productIds (no filter)', { productIds: [] }, [O6, O5, O4, O3, O2, O1]],
    ['minTotal (inclusive)', { minTotal: 20 }, [O6, O5, O3, O1]],
    ['maxTotal (inclusive)', { maxTotal: 20 }, [O4, O2, O1]],
    ['minTotal and maxTotal', { minTotal: 10, maxTotal: 22 }, [O6, O4, O1]],
    ['a total range of one value, the adjusted total', { minTotal: 30, maxTotal: 30 }, [O3]],
    ['cents in a total', { minTotal: 5.5, maxTotal: 5.5 }, [O2]],
    ['status pending', { status: 'pending' }, [O1]],
    ['status approved', { status: 'approved' }, [O2]],
    ['status ready', { status: 'ready' }, [O3]],
    ['status canceled', { status: 'canceled' }, [O4]],
    ['status completed', { status: 'completed' }, [O5]],
    ['status rejected', { status: 'rejected' }, [O6]],
    ['customer and store', { customerId: C1, storeIds: [S2] }, [O6, O2]],
    ['customer, store and status', { customerId: C1, storeIds: [S2], status: 'approved' }, [O2]],
    ['customer and status that match nothing together', { customerId: C1, status: 'completed' }, []],
    [
      'product and dates',
      { productIds: [P3], after: '2030-01-02T10:00:01Z', before: '2030-01-05T12:00:00Z' },
      [O3],
    ],
    ['store and total', { storeIds: [S1], minTotal: 15 }, [O5, O3, O1]],
    [
      'every filter at once',
      {
        customerId: C2,
        after: '2030-01-01T00:00:00Z',
        before: '2030-01-04T00:00:00Z',
        storeIds: [S2],
        productIds: [P2],
        minTotal: 20,
        maxTotal: 40,
        status: 'ready',
      },
      [O3],
    ],
  ];

  it.each(cases)('filters by %s', async (_what, filters, expected) => {
    const { orders, next } = await api.search({ filters });
    expect(orders.map((order) => order.id)).toEqual(expected);
    expect(next).toBeUndefined();
    // The same, a page of one at a time: the cursor keeps the filters' results whole and in order.
    expect((await api.searchAll(filters, 1)).map((order) => order.id)).toEqual(expected);
  });

  it('upper-case ids match as well', async () => {
    const { orders } = await api.search({
      filters: { customerId: C2.toUpperCase(), storeIds: [S1.toUpperCase()] },
    });
    expect(orders.map((order) => order.id)).toEqual([O4, O3]);
  });

  it('pages at most `limit` orders (50 by default) and answers `next` only when more match', async () => {
    const first = await api.search({ limit: 5 });
    expect(first.orders).toHaveLength(5);
    expect(first.next).toEqual(expect.any(String));
    const second = await api.search({ limit: 5, next: first.next });
    expect(second.orders.map((order) => order.id)).toEqual([O1]);
    expect(second.next).toBeUndefined();
    expect((await api.search({})).orders).toHaveLength(6);
  });

  const badRequests: Array<[string, Record<string, unknown>, string]> = [
    [
      'after later than before',
      { filters: { after: '2030-01-02T00:00:00Z', before: '2030-01-01T00:00:00Z' } },
      'body.filters.after',
    ],
    ['minTotal above maxTotal', { filters: { minTotal: 10, maxTotal: 9.99 } }, 'body.filters.minTotal'],
    ['a total with 3 decimals', { filters: { minTotal: 1.234 } }, 'body.filters.minTotal'],
    ['a negative total', { filters: { maxTotal: -1 } }, 'body.filters.maxTotal'],
    ['a date that is not a date-time', { filters: { after: '2030-01-01' } }, 'body.filters.after'],
    ['an unknown status', { filters: { status: 'New' } }, 'body.filters.status'],
    ['a store id that is not a UUID', { filters: { storeIds: ['s1'] } }, 'body.filters.storeIds.0'],
    ['a product id that is not a UUID', { filters: { productIds: [P1, 'x'] } }, 'body.filters.productIds.1'],
    ['a customer id that is not a UUID', { filters: { customerId: 'c1' } }, 'body.filters.customerId'],
    ['an unknown filter', { filters: { colour: 'red' } }, 'body.filters.colour'],
    ['limit 0', { limit: 0 }, 'body.limit'],
    ['limit 101', { limit: 101 }, 'body.limit'],
    ['a fractional limit', { limit: 1.5 }, 'body.limit'],
    ['a cursor that is not base64url JSON', { next: 'not a cursor!' }, 'body.next'],
    ['a cursor of the wrong shape', { next: Buffer.from('{"a":1}').toString('base64url') }, 'body.next'],
    [
      'a cursor with a bad time',
      { next: Buffer.from(JSON.stringify(['2030-13-45T99:00:00.000000Z', O1])).toString('base64url') },
      'body.next',
    ],
    ['an unknown field', { page: 2 }, 'body.page'],
  ];

  it.each(badRequests)('refuses %s with a 400 naming the field', async (_what, body, field) => {
    expectProblem(await api.call('POST', '/api/search/orders', body), 400, {
      code: 'invalid_request',
      field,
    });
  });

  it('refuses a body over the limit with a 413 problem', async () => {
    const productIds = Array.from({ length: 100 }, () => newId());
    const response = await api.call('POST', '/api/search/orders', {
      filters: { productIds, storeIds: productIds },
    });
    expectProblem(response, 413, { code: 'body_too_large' });
  });

  it('names both fields of a contradictory range', async () => {
    const response = await api.call('POST', '/api/search/orders', { filters: { minTotal: 2, maxTotal: 1 } });
    expectProblem(response, 400, { field: 'body.filters.maxTotal' });
  });

  it('publishes the search routes in the OpenAPI document', async () => {
    const operations = await expectDocumentedRoutes(api, searchModule, '/api/search', [
      '/api/search/orders',
      '/api/search/orders/{id}',
      '/api/search/orders/{id}/tracking',
      '/api/search/orders/live',
    ]);
    // Search (POST) and the tracking list (GET) share a path.
    expect(operations).toHaveLength(5);
  });
});
