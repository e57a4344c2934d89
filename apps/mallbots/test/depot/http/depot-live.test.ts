import { type EventStream, expectProblem, openEventStream, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_STAFF } from '../rpc/memory-robots.js';
import { botId, depotSaga } from '../support/bots.js';
import { type DepotHost, HOST_START_MS, type ShoppingListDto, startDepotHost } from '../support/host.js';

interface BotDto {
  id: string;
  status: string;
  shoppingListId?: string;
}

// The depot live (ADR 0040): the fleet and the shopping lists as they change, over Server-Sent Events whose
// ids are the depot's change positions.
describe.each(testDatabases)('the depot live, on $backend', (backend) => {
  let api: DepotHost;
  let saga: ReturnType<typeof depotSaga>;
  let storeId: string;
  let productId: string;
  const streams: EventStream[] = [];
  beforeAll(async () => {
    api = await startDepotHost(backend);
    saga = depotSaga(api);
    storeId = await api.createStore('Gadget Hut', 'Level 2');
    productId = await api.addProduct(storeId, 'Sprocket');
    await api.cached(storeId, productId);
  }, HOST_START_MS);
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
    await saga.quiesce();
  });
  afterAll(() => api?.close());

  const follow = async (path: string, headers: Record<string, string> = {}) => {
    const token = await api.tokenFor(DEPOT_STAFF);
    const stream = await openEventStream(`${api.host.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    streams.push(stream);
    expect(stream.status, stream.body).toBe(200);
    return stream;
  };
  const lists = (stream: EventStream) => stream.events.map((event) => event.json<ShoppingListDto>());
  const bots = (stream: EventStream) => stream.events.map((event) => event.json<BotDto>());
  const oneItem = () => [{ storeId, productId, quantity: 2 }];

  it('shows a bot taking a list as it happens: the list assigned, the bot shopping it', async () => {
    const listsLive = await follow('/api/depot/shopping/live');
    const fleet = await follow('/api/depot/bots/live');
    const bot = botId('live');
    await api.robots.connect({ botId: bot, name: 'Live' });
    await fleet.until(() => bots(fleet).some((seen) => seen.id === bot && seen.status === 'idle'));

    const { id } = await saga.availableList(oneItem());
    await listsLive.until(() =>
      lists(listsLive).some((list) => list.id === id && list.status === 'assigned'),
    );
    const assigned = lists(listsLive).find((list) => list.id === id && list.status === 'assigned')!;
    expect(assigned).toMatchObject({ assignedBotId: bot, stops: [{ storeName: 'Gadget Hut' }] });
    await fleet.until(() =>
      bots(fleet).some((seen) => seen.id === bot && seen.status === 'shopping' && seen.shoppingListId === id),
    );

    await api.robots.reportItem({ botId: bot, shoppingListId: id, storeId, productId, outcome: 'picked' });
    await listsLive.until(() =>
      lists(listsLive).some(
        (list) => list.id === id && list.stops[0]?.items[0]?.outcome === 'picked' && list.status === 'active',
      ),
    );
    // Ids are the change positions: strictly increasing on each stream.
    for (const stream of [listsLive, fleet]) {
      const ids = stream.events.map((event) => Number(event.id));
      expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    }
  });

  it('answers each list with its position, and a stream from there gets only what changed after it', async () => {
    const { id: before } = await saga.availableList(oneItem());
    const listed = await api.call('GET', '/api/depot/shopping?status=available');
    expect(listed.statusCode, listed.body).toBe(200);
    const { shoppingLists, position } = listed.json<{ shoppingLists: ShoppingListDto[]; position: number }>();
    expect(shoppingLists.map((list) => list.id)).toContain(before);
    expect(position).toEqual(expect.any(Number));

    const live = await follow(`/api/depot/shopping/live?lastEventId=${position}`);
    const { id: after } = await saga.availableList(oneItem());
    await live.until(() => lists(live).some((list) => list.id === after && list.status === 'available'));
    expect(lists(live).map((list) => list.id)).not.toContain(before);
    expect(Number(live.events[0]!.id)).toBeGreaterThan(position);
  });

  it('resumes after the last event it was sent: every change since, none twice', async () => {
    const first = await follow('/api/depot/shopping/live');
    const { id, orderId } = await saga.availableList(oneItem());
    await first.until(() => lists(first).some((list) => list.id === id && list.status === 'available'));
    const lastSeen = first.lastEventId!;
    await first.close();

    await saga.cancel(orderId);
    const { id: another } = await saga.availableList(oneItem());
    const resumed = await follow('/api/depot/shopping/live', { 'last-event-id': lastSeen });
    await resumed.until(() => lists(resumed).some((list) => list.id === another));
    const seen = lists(resumed);
    expect(seen.find((list) => list.id === id)?.status).toBe('canceled');
    expect(seen.filter((list) => list.id === id)).toHaveLength(1);
    expect(Number(resumed.events[0]!.id)).toBeGreaterThan(Number(lastSeen));
  });

  it('starts the fleet with every bot as it is now', async () => {
    const bot = botId('known');
    await api.robots.connect({ botId: bot, name: 'Known' });
    const listed = await api.call('GET', '/api/depot/bots');
    expect(listed.json<{ position: number }>().position).toEqual(expect.any(Number));
    const fleet = await follow('/api/depot/bots/live');
    await fleet.until(() => bots(fleet).some((seen) => seen.id === bot && seen.status === 'idle'));
  });

  it('admits the depot staff (and operators) only, before any stream opens', async () => {
    for (const path of ['/api/depot/bots/live', '/api/depot/shopping/live']) {
      const anonymous = await openEventStream(`${api.host.url}${path}`);
      expect(anonymous.status).toBe(401);
      for (const who of [
        { subject: 'robot-1', roles: ['robot'], client: true },
        { subject: crypto.randomUUID(), roles: ['customer'] },
        { subject: 'manager-1', roles: ['store-manager'] },
      ]) {
        const refused = await openEventStream(`${api.host.url}${path}`, {
          headers: { authorization: `Bearer ${await api.tokenFor(who)}` },
        });
        expect(refused.status, refused.body).toBe(403);
        expect(JSON.parse(refused.body!)).toMatchObject({ code: 'forbidden' });
      }
      const operator = await openEventStream(`${api.host.url}${path}`, {
        headers: { authorization: `Bearer ${await api.tokenFor({ subject: 'op', roles: ['operator'] })}` },
      });
      streams.push(operator);
      expect(operator.status).toBe(200);
    }
  });

  it('refuses a Last-Event-ID that is not a position, naming it', async () => {
    const token = await api.tokenFor(DEPOT_STAFF);
    const bad = await openEventStream(`${api.host.url}/api/depot/bots/live?lastEventId=soon`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    expectProblem(
      { statusCode: bad.status, headers: bad.headers, body: bad.body!, json: () => JSON.parse(bad.body!) },
      400,
      { field: 'querystring.lastEventId' },
    );
  });
});
