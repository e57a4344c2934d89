import { randomUUID } from 'node:crypto';
import { expectPagedList, testSetups, walkPages } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../cosec/support.js';
import { botId, botOverRest, depotSaga, instructionOnceIt, shopping } from '../support/bots.js';
import { type DepotHost, expectProblem, HOST_START_MS, startDepotHost } from '../support/host.js';

describe.each(testSetups)(
  'Depot gives available lists to idle bots, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: DepotHost;
    let saga: ReturnType<typeof depotSaga>;
    let items: Array<{ storeId: string; productId: string; quantity: number }>;
    beforeAll(async () => {
      api = await startDepotHost(backend, broker);
      saga = depotSaga(api);
      const store = await api.createStore('Books', 'Level 1');
      const product = await api.addProduct(store, 'Dune');
      await api.cached(store, product);
      items = [{ storeId: store, productId: product, quantity: 2 }];
    }, HOST_START_MS);
    afterEach(() => saga.quiesce());
    afterAll(() => api?.close());

    const rows = async (id: string) =>
      (
        await api.db.query<{ status: string; assigned_bot_id: string | null; version: number }>(
          'SELECT status, assigned_bot_id, version FROM depot.shopping_lists WHERE id = $1',
          [id],
        )
      ).rows[0];

    it('registers a connecting bot, which takes the oldest available list at once, then the next once back', async () => {
      const older = await saga.availableList(items);
      const newer = await saga.availableList(items);
      const bot = botId();

      const first = await api.robots.connect({ botId: bot, name: ' Robby ' });
      expect(first).toMatchObject({ kind: 'shop', shoppingListId: older.id, orderId: older.orderId });
      expect(first.kind === 'shop' && first.stops).toEqual([
        {
          storeId: items[0]!.storeId,
          storeName: 'Books',
          storeLocation: 'Level 1',
          items: [{ productId: items[0]!.productId, productName: 'Dune', quantity: 2 }],
        },
      ]);
      expect(await rows(older.id)).toMatchObject({ status: 'assigned', assigned_bot_id: bot });
      expect(await rows(newer.id)).toMatchObject({ status: 'available', assigned_bot_id: null });
      expect(await botOverRest(api, bot)).toMatchObject({
        id: bot,
        name: 'Robby',
        status: 'shopping',
        shoppingListId: older.id,
      });
      const assigned = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListAssigned' && m.key === older.id,
      );
      expect(assigned.data).toEqual({ id: older.id, orderId: older.orderId, botId: bot, botName: 'Robby' });

      const { storeId, productId } = items[0]!;
      const back = await api.robots.reportItem({
        botId: bot,
        shoppingListId: older.id,
        storeId,
        productId,
        outcome: 'picked',
      });
      expect(back).toEqual({ kind: 'return', shoppingListId: older.id });
      expect((await botOverRest(api, bot)).status).toBe('returning');
      const next = await api.robots.reportReturned({ botId: bot, shoppingListId: older.id });
      expect(next).toMatchObject({ kind: 'shop', shoppingListId: newer.id });
      expect(await rows(older.id)).toMatchObject({ status: 'completed', assigned_bot_id: bot });
    });

    it('wakes an idle bot when a list becomes available', async () => {
      const bot = botId();
      expect(await api.robots.connect({ botId: bot, name: 'Robby' })).toEqual({ kind: 'wait' });
      expect((await botOverRest(api, bot)).status).toBe('idle');
      const list = await saga.availableList(items);
      await instructionOnceIt(api.robots, bot, shopping(list.id), 'the idle bot is given the new list');
      expect(await rows(list.id)).toMatchObject({ status: 'assigned', assigned_bot_id: bot });
    });

    it('gives one list to one of two bots connecting at once; the other waits', async () => {
      const list = await saga.availableList(items);
      const bots = [botId('a'), botId('b')];
      const answers = await Promise.all(bots.map((id) => api.robots.connect({ botId: id, name: id })));
      // Each answer is what was committed when it was read: the other's assignment may land just after
      // (and wakes the bot's watch), so at most one answer says shop, and then the instructions settle.
      expect(answers.filter((answer) => answer.kind === 'shop').length).toBeLessThanOrEqual(1);
      const assigned = await eventually(
        () => rows(list.id),
        (row) => row?.status === 'assigned',
        'the list is assigned',
      );
      const winner = assigned!.assigned_bot_id!;
      expect(bots).toContain(winner);
      const loser = bots.find((id) => id !== winner)!;
      expect(await api.robots.instruction(winner)).toMatchObject({ kind: 'shop', shoppingListId: list.id });
      expect(await api.robots.instruction(loser)).toEqual({ kind: 'wait' });
      const state = await rows(list.id);
      expect(state).toMatchObject({ status: 'assigned', assigned_bot_id: winner });
      // Created, available, assigned: one assignment only.
      expect(state?.version).toBe(3);
      const holders = await api.db.query('SELECT id FROM depot.bots WHERE shopping_list_id = $1', [list.id]);
      expect(holders.rows).toEqual([{ id: winner }]);
    });

    it('gives each of two lists made available at once to a different idle bot', async () => {
      const bots = [botId('a'), botId('b')];
      for (const id of bots)
        expect(await api.robots.connect({ botId: id, name: id })).toEqual({ kind: 'wait' });
      const lists = await Promise.all([saga.availableList(items), saga.availableList(items)]);
      const given = await Promise.all(
        bots.map((id) =>
          instructionOnceIt(api.robots, id, (i) => i.kind === 'shop', `${id} is given a list`),
        ),
      );
      const shopped = given.map((i) => (i.kind === 'shop' ? i.shoppingListId : '')).sort();
      expect(shopped).toEqual(lists.map((list) => list.id).sort());
    });

    it('lists the fleet over REST, a page at a time, and answers 404 for an unknown bot', async () => {
      const fleet = Array.from({ length: 51 }, (_, n) => `paged-${String(n).padStart(2, '0')}-${botId()}`);
      for (const id of fleet) await api.robots.connect({ botId: id, name: id });
      for (const id of fleet) await api.robots.disconnect({ botId: id });
      const ids = await expectPagedList(api, '/api/depot/bots', 'bots', { atLeast: 51 });
      expect(ids.filter((id) => fleet.includes(id))).toEqual(fleet);

      const bot = botId();
      await api.robots.connect({ botId: bot, name: 'Lister' });
      const bots = (await walkPages(api, '/api/depot/bots', 'bots', 100)).flatMap(
        (page) => page.items as Array<{ id: string; status: string; lastSeenAt: string }>,
      );
      expect(bots.find((b) => b.id === bot)).toMatchObject({ status: 'idle', name: 'Lister' });
      expect(Number.isNaN(Date.parse(bots[0]!.lastSeenAt))).toBe(false);
      expectProblem(await api.call('GET', `/api/depot/bots/${botId('nobody')}`), 404, {
        code: 'bot_not_found',
      });
      await api.robots.disconnect({ botId: bot });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'offline' });
      expect(await botOverRest(api, bot)).not.toHaveProperty('shoppingListId');
    });

    it('refuses REST assignment to a fleet bot, and REST completion of a list a bot holds', async () => {
      const idle = botId();
      await api.robots.connect({ botId: idle, name: 'Idle' });
      await api.robots.disconnect({ botId: idle });
      const list = await saga.availableList(items);
      expectProblem(await api.call('PUT', `/api/depot/shopping/${list.id}/assign`, { botId: idle }), 409, {
        code: 'bot_assigned_automatically',
      });
      const holder = botId();
      expect(await api.robots.connect({ botId: holder, name: 'Holder' })).toMatchObject({
        shoppingListId: list.id,
      });
      expectProblem(await api.call('PUT', `/api/depot/shopping/${list.id}/complete`), 409, {
        code: 'shopping_list_held_by_bot',
      });
      expect(await rows(list.id)).toMatchObject({ status: 'assigned', assigned_bot_id: holder });
    });

    it('a second stream of a connected bot wins: the older stream closing leaves it connected', async () => {
      const bot = botId();
      await api.robots.connect({ botId: bot, name: 'Twice', session: 'one' });
      await api.robots.connect({ botId: bot, name: 'Twice', session: 'two' });
      await api.robots.disconnect({ botId: bot, session: 'one' });
      expect((await botOverRest(api, bot)).status).toBe('idle');
      await api.robots.disconnect({ botId: bot, session: 'two' });
      expect((await botOverRest(api, bot)).status).toBe('offline');
    });

    it('refuses a blank name or id, and an unknown bot, with clear errors', async () => {
      await expect(api.robots.connect({ botId: botId(), name: '  ' })).rejects.toMatchObject({
        kind: 'invalid_argument',
        code: 'bot_name_blank',
        field: 'name',
      });
      await expect(api.robots.connect({ botId: ' ', name: 'Robby' })).rejects.toMatchObject({
        kind: 'invalid_argument',
        code: 'bot_id_blank',
      });
      const nobody = botId('nobody');
      for (const call of [
        () => api.robots.instruction(nobody),
        () => api.robots.disconnect({ botId: nobody }),
        () => api.robots.reportReturned({ botId: nobody, shoppingListId: randomUUID() }),
      ]) {
        await expect(call()).rejects.toMatchObject({ kind: 'not_found', code: 'bot_not_found' });
      }
      const { rows: none } = await api.db.query('SELECT 1 FROM depot.bots WHERE id = $1', [nobody]);
      expect(none).toEqual([]);
    });
  },
);
