import { type EventStream, openEventStream, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  type ItemSpec,
  newId,
  orderCreated,
  type SearchHost,
  startSearchHost,
  statusMessage,
} from './support.js';

const HOST_START_MS = 60_000;
const customerRoles = ['customer'];
const staff = { subject: 'staff:dee', roles: ['depot-staff'] };

interface TrackingDto {
  id: string;
  customerId: string;
  customerName: string;
  status: string;
  orderStatus?: string;
  cancelable: boolean;
  total: number;
  steps: Array<{ step: string; at: string; botId?: string }>;
  shoppingList?: {
    id: string;
    status: string;
    botId?: string;
    stops: Array<{
      storeId: string;
      storeName: string;
      done: boolean;
      items: Array<{ productId: string; productName: string; outcome?: string }>;
    }>;
  };
  invoice?: { id: string; status: string; amount: number };
  position: number;
}

/** An order of two stores, with the messages every context would publish about it. */
function anOrder() {
  const [order, customer, list, books, toys, dune, yoyo] = [
    newId(),
    newId(),
    newId(),
    newId(),
    newId(),
    newId(),
    newId(),
  ];
  const items: ItemSpec[] = [
    {
      storeId: books,
      productId: dune,
      storeName: 'Books',
      productName: 'Dune',
      priceCents: 1250,
      quantity: 1,
    },
    { storeId: toys, productId: yoyo, storeName: 'Toys', productName: 'Yo-yo', priceCents: 300, quantity: 2 },
  ];
  const ids = { id: list, orderId: order };
  return {
    order,
    customer,
    list,
    books,
    toys,
    dune,
    yoyo,
    checkedOut: {
      type: 'basketsapi.BasketCheckedOut' as const,
      data: { id: order, customerId: customer, paymentId: `pay-${order.slice(0, 8)}`, items },
    },
    created: orderCreated(order, customer, items),
    listCreated: {
      type: 'depotapi.ShoppingListCreated' as const,
      data: {
        ...ids,
        stops: [
          {
            storeId: books,
            storeName: 'Books',
            storeLocation: 'Level 1',
            items: [{ productId: dune, productName: 'Dune', quantity: 1 }],
          },
          {
            storeId: toys,
            storeName: 'Toys',
            storeLocation: 'Level 2',
            items: [{ productId: yoyo, productName: 'Yo-yo', quantity: 2 }],
          },
        ],
      },
    },
    available: { type: 'depotapi.ShoppingListAvailable' as const, data: ids },
    assigned: (botId: string, botName?: string) => ({
      type: 'depotapi.ShoppingListAssigned' as const,
      data: { ...ids, botId, ...(botName ? { botName } : {}) },
    }),
    reported: (botId: string, storeId: string, productId: string, outcome: 'picked' | 'unavailable') => ({
      type: 'depotapi.ShoppingListItemReported' as const,
      data: { ...ids, botId, storeId, productId, outcome },
    }),
    approved: {
      type: 'ordersapi.OrderApproved' as const,
      data: { id: order, customerId: customer, paymentId: 'p', shoppingListId: list },
    },
  };
}

describe.each(testDatabases)('order tracking on $backend', (backend) => {
  let api: SearchHost;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    api = await startSearchHost(backend, 'embedded', { liveHeartbeatMs: 200 });
  }, HOST_START_MS);
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });
  afterAll(() => api?.close());

  const asCustomer = (customer: string) => api.as({ subject: customer, roles: customerRoles });
  const tracking = async (order: string, who: { subject: string; roles: string[] } = staff) => {
    const response = await api.as(who).call('GET', `/api/search/orders/${order}/tracking`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ order: TrackingDto; position: number }>();
  };
  const follow = async (path: string, who: { subject: string; roles: string[] }, lastEventId?: number) => {
    const stream = await openEventStream(`${api.host.url}${path}`, {
      headers: {
        authorization: `Bearer ${await api.tokenFor(who)}`,
        ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
      },
    });
    streams.push(stream);
    return stream;
  };

  it('follows an order from its checkout to its payment: status, steps, stops and their outcomes, bot, total, invoice', async () => {
    const o = anOrder();
    api.customers.known.set(o.customer, 'Ada');
    const at = (second: number) => new Date(Date.UTC(2031, 0, 1, 9, 0, second));
    await api.publish(o.checkedOut, at(0));
    await api.settled();
    expect((await tracking(o.order)).order).toMatchObject({
      status: 'placing',
      cancelable: true,
      total: 18.5,
      customerName: 'Ada',
      steps: [{ step: 'checkedOut', at: at(0).toISOString() }],
    });

    await api.publish(o.created, at(1));
    await api.publish(o.listCreated, at(2));
    await api.publish(o.available, at(3));
    await api.publish(o.approved, at(4));
    await api.publish(o.assigned('bot-7', 'Robbie'), at(5));
    await api.settled();
    let seen = (await tracking(o.order)).order;
    expect(seen).toMatchObject({
      status: 'shopping',
      orderStatus: 'approved',
      cancelable: true,
      shoppingList: { id: o.list, status: 'assigned', botId: 'bot-7', botName: 'Robbie' },
    });
    expect(seen.shoppingList?.stops.map((stop) => [stop.storeName, stop.done])).toEqual([
      ['Books', false],
      ['Toys', false],
    ]);

    await api.publish(o.reported('bot-7', o.books, o.dune, 'picked'), at(6));
    await api.settled();
    seen = (await tracking(o.order)).order;
    expect(seen.shoppingList).toMatchObject({
      status: 'active',
      stops: [
        { done: true, items: [{ productName: 'Dune', outcome: 'picked' }] },
        { done: false, items: [{ productName: 'Yo-yo' }] },
      ],
    });
    expect(seen.shoppingList?.stops[1]?.items[0]).not.toHaveProperty('outcome');

    await api.publish(o.reported('bot-7', o.toys, o.yoyo, 'unavailable'), at(7));
    await api.publish(
      {
        type: 'depotapi.ShoppingListCompleted',
        data: { id: o.list, orderId: o.order, unavailableItems: [] },
      },
      at(8),
    );
    await api.publish(
      statusMessage('ready', o.order, o.customer, {
        totalCents: 1250,
        unavailableItems: [{ storeId: o.toys, productId: o.yoyo }],
      }),
      at(9),
    );
    await api.publish(
      {
        type: 'paymentsapi.InvoiceCreated',
        data: { id: o.order, orderId: o.order, paymentId: 'p', amountCents: 1250 },
      },
      at(10),
    );
    await api.settled();
    expect((await tracking(o.order)).order).toMatchObject({
      status: 'ready',
      cancelable: false,
      total: 12.5,
      invoice: { id: o.order, status: 'pending', amount: 12.5 },
      shoppingList: {
        status: 'completed',
        stops: [{ done: true }, { done: true, items: [{ outcome: 'unavailable' }] }],
      },
    });

    await api.publish({ type: 'paymentsapi.InvoicePaid', data: { id: o.order, orderId: o.order } }, at(11));
    await api.publish(statusMessage('completed', o.order, o.customer), at(12));
    await api.settled();
    const done = (await tracking(o.order)).order;
    expect(done).toMatchObject({ status: 'completed', invoice: { status: 'paid' }, total: 12.5 });
    expect(done.steps).toEqual([
      { step: 'checkedOut', at: at(0).toISOString() },
      { step: 'received', at: at(1).toISOString() },
      { step: 'shoppingListMade', at: at(2).toISOString() },
      { step: 'shoppingListAvailable', at: at(3).toISOString() },
      { step: 'approved', at: at(4).toISOString() },
      { step: 'botAssigned', at: at(5).toISOString(), botId: 'bot-7', botName: 'Robbie' },
      { step: 'botReturned', at: at(8).toISOString() },
      { step: 'ready', at: at(9).toISOString() },
      { step: 'invoiced', at: at(10).toISOString() },
      { step: 'paid', at: at(11).toISOString() },
      { step: 'completed', at: at(12).toISOString() },
    ]);
  });

  it('puts together what arrives out of order, and shows an order to no customer before it knows whose it is', async () => {
    const o = anOrder();
    // Depot's channel ran ahead of Baskets' and Ordering's: the row exists, but whose it is is unknown.
    await api.publish(o.listCreated);
    await api.publish(o.assigned('bot-1'));
    await api.publish(o.reported('bot-1', o.books, o.dune, 'picked'));
    await api.settled();
    await expectProblem(await api.call('GET', `/api/search/orders/${o.order}/tracking`), 404, {
      code: 'order_not_found',
    });
    const before = await api.as(staff).call('GET', '/api/search/orders?limit=100');
    expect(before.json<{ orders: TrackingDto[] }>().orders.map((order) => order.id)).not.toContain(o.order);

    await api.publish(o.created);
    await api.publish(o.checkedOut);
    await api.settled();
    const seen = (await tracking(o.order, { subject: o.customer, roles: customerRoles })).order;
    expect(seen).toMatchObject({ status: 'pending', customerId: o.customer, total: 18.5 });
    // The report made before the stops were told is kept, on its stop.
    expect(seen.shoppingList?.stops[0]?.items[0]).toMatchObject({ productName: 'Dune', outcome: 'picked' });
    expect(seen.steps.map((step) => step.step)).toEqual(
      expect.arrayContaining(['checkedOut', 'received', 'shoppingListMade', 'botAssigned']),
    );
  });

  it('forgets a vanished bot and its reports when the list is available again, and shows the next bot', async () => {
    const o = anOrder();
    for (const message of [
      o.checkedOut,
      o.created,
      o.listCreated,
      o.available,
      o.approved,
      o.assigned('bot-a'),
    ]) {
      await api.publish(message);
    }
    await api.publish(o.reported('bot-a', o.books, o.dune, 'picked'));
    await api.publish(o.available);
    await api.settled();
    let seen = (await tracking(o.order)).order;
    expect(seen.status).toBe('approved');
    expect(seen.shoppingList?.status).toBe('available');
    expect(seen.shoppingList).not.toHaveProperty('botId');
    expect(seen.shoppingList?.stops[0]?.items[0]).not.toHaveProperty('outcome');

    await api.publish(o.assigned('bot-b'));
    await api.settled();
    seen = (await tracking(o.order)).order;
    expect(seen).toMatchObject({ status: 'shopping', shoppingList: { botId: 'bot-b' } });
    expect(seen.steps.filter((step) => step.step === 'botAssigned').map((step) => step.botId)).toEqual([
      'bot-a',
      'bot-b',
    ]);
  });

  it('says why an order was rejected or canceled, and that it can no longer be canceled', async () => {
    const rejected = anOrder();
    const canceled = anOrder();
    await api.publish(rejected.created);
    await api.publish(statusMessage('rejected', rejected.order, rejected.customer));
    await api.publish(canceled.created);
    await api.publish({
      type: 'ordersapi.OrderCanceled',
      data: {
        id: canceled.order,
        customerId: canceled.customer,
        paymentId: 'p',
        canceledBy: 'staff',
        reason: 'closed',
      },
    });
    await api.settled();
    expect((await tracking(rejected.order)).order).toMatchObject({
      status: 'rejected',
      rejectionReason: 'no funds',
      cancelable: false,
    });
    expect((await tracking(canceled.order)).order).toMatchObject({
      status: 'canceled',
      canceledBy: 'staff',
      cancelReason: 'closed',
      cancelable: false,
    });
  });

  it('lets a customer list, read and follow only their own orders; the staff see every one', async () => {
    const mine = anOrder();
    const theirs = anOrder();
    await api.publish(mine.checkedOut);
    await api.publish(theirs.checkedOut);
    await api.settled();
    const me = { subject: mine.customer, roles: customerRoles };

    const listed = await asCustomer(mine.customer).call('GET', '/api/search/orders');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json<{ orders: TrackingDto[] }>().orders.map((order) => order.id)).toEqual([mine.order]);
    await expectProblem(
      await asCustomer(mine.customer).call('GET', `/api/search/orders/${theirs.order}/tracking`),
      403,
      { code: 'not_yours' },
    );
    const all = (await api.as(staff).call('GET', '/api/search/orders?status=placing&limit=100')).json<{
      orders: TrackingDto[];
    }>();
    expect(all.orders.map((order) => order.id)).toEqual(expect.arrayContaining([mine.order, theirs.order]));
    expect(all.orders.every((order) => order.status === 'placing')).toBe(true);

    const stream = await follow('/api/search/orders/live', me);
    expect(stream.status, stream.body).toBe(200);
    await stream.until((events) => events.some((event) => event.json<TrackingDto>().id === mine.order));
    await api.publish(theirs.created);
    await api.publish(mine.created);
    await api.settled();
    const events = await stream.until((received) =>
      received.some((event) => event.json<TrackingDto>().status === 'pending'),
    );
    expect(events.map((event) => event.json<TrackingDto>().customerId)).toEqual(
      events.map(() => mine.customer),
    );

    const anonymous = await openEventStream(`${api.host.url}/api/search/orders/live`);
    streams.push(anonymous);
    expect(anonymous.status).toBe(401);
  });

  it('lists with the position it read at; following from it sends each later change once, also across a reconnect', async () => {
    const o = anOrder();
    await api.publish(o.checkedOut);
    await api.settled();
    const listed = (await api.as(staff).call('GET', '/api/search/orders?limit=100')).json<{
      orders: TrackingDto[];
      position: number;
    }>();
    const shown = listed.orders.find((order) => order.id === o.order);
    expect(shown?.status).toBe('placing');
    expect(listed.position).toBeGreaterThanOrEqual(shown!.position);

    const stream = await follow('/api/search/orders/live', staff, listed.position);
    await api.publish(o.created);
    await api.publish(o.listCreated);
    await api.settled();
    // One event per change read: two changes that commit before the stream reads are sent as one.
    const first = await stream.until((events) =>
      events.some((event) => event.json<TrackingDto>().shoppingList !== undefined),
    );
    expect(first.map((event) => event.json<TrackingDto>().id)).toEqual(first.map(() => o.order));
    expect(first.map((event) => Number(event.id))).toEqual(
      first.map((event) => event.json<TrackingDto>().position),
    );
    const ids = first.map((event) => Number(event.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const reached = Number(stream.lastEventId);
    await stream.close();

    // Away: two changes happen. Back with the last id received: the order as it is now, once.
    await api.publish(o.available);
    await api.publish(o.approved);
    await api.settled();
    const back = await follow('/api/search/orders/live', staff, reached);
    const resumed = await back.until((events) => events.length >= 1);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.json<TrackingDto>()).toMatchObject({ id: o.order, status: 'approved' });
    expect(Number(resumed[0]!.id)).toBeGreaterThan(reached);
    await back.nextComment();
    expect(back.events).toHaveLength(1);
  });

  it('follows a status: an order that leaves it is sent once more, in its new status', async () => {
    const o = anOrder();
    await api.publish(o.checkedOut);
    await api.publish(o.created);
    await api.settled();
    const from = (await api.as(staff).call('GET', '/api/search/orders?status=pending')).json<{
      position: number;
    }>().position;
    const stream = await follow('/api/search/orders/live?status=pending', staff, from - 1);
    await api.publish(o.approved);
    await api.settled();
    const events = await stream.until((received) =>
      received.some((event) => event.json<TrackingDto>().status === 'approved'),
    );
    expect(events.map((event) => event.json<TrackingDto>().id)).toContain(o.order);
  });

  it('answers 400 naming the field for a bad status, cursor or last event id', async () => {
    await expectProblem(await api.as(staff).call('GET', '/api/search/orders?status=lost'), 400, {
      code: 'invalid_request',
      field: 'querystring.status',
    });
    await expectProblem(await api.as(staff).call('GET', '/api/search/orders?after=nope'), 400, {
      code: 'bad_cursor',
      field: 'querystring.after',
    });
    const stream = await follow('/api/search/orders/live?lastEventId=-1', staff);
    expect(stream.status).toBe(400);
  });

  it('is rebuilt by replay into exactly the same rows', async () => {
    const o = anOrder();
    for (const message of [o.checkedOut, o.created, o.listCreated, o.available, o.assigned('bot-r')]) {
      await api.publish(message);
    }
    await api.settled();
    const rows = async () =>
      (await api.db.query('SELECT * FROM search.order_tracking ORDER BY order_id')).rows;
    const names = async () =>
      (await api.db.query('SELECT * FROM search.tracking_customer_names ORDER BY id')).rows;
    const live = { rows: await rows(), names: await names() };
    expect(live.rows.length).toBeGreaterThan(5);
    const rebuilt = api.rebuilt();
    const response = await api.call('POST', '/admin/projections/search.tracking/rebuild');
    expect(response.statusCode, response.body).toBe(202);
    const outcome = await rebuilt;
    if (outcome instanceof Error) throw outcome;
    await api.tracker.caughtUp();
    expect({ rows: await rows(), names: await names() }).toEqual(live);
  });
});
