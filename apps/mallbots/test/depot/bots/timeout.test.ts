import { type ManualClock, manualClock } from '@tessera/platform/scheduling';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../cosec/support.js';
import { botId, botOverRest, depotSaga, instructionOnceIt, shopping } from '../support/bots.js';
import { type DepotHost, HOST_START_MS, startDepotHost } from '../support/host.js';

const TIMEOUT_MS = 30_000;

describe.each(testSetups)(
  'A vanished bot loses its list after the bot timeout, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: DepotHost;
    let clock: ManualClock;
    let saga: ReturnType<typeof depotSaga>;
    let items: Array<{ storeId: string; productId: string; quantity: number }>;
    beforeAll(async () => {
      clock = manualClock();
      api = await startDepotHost(backend, broker, { clock, botTimeoutMs: TIMEOUT_MS });
      saga = depotSaga(api);
      const store = await api.createStore('Books', 'Level 1');
      const dune = await api.addProduct(store, 'Dune');
      const emma = await api.addProduct(store, 'Emma');
      await api.cached(store, dune);
      await api.cached(store, emma);
      items = [
        { storeId: store, productId: dune, quantity: 1 },
        { storeId: store, productId: emma, quantity: 1 },
      ];
    }, HOST_START_MS);
    afterEach(() => saga.quiesce());
    afterAll(() => api?.close());

    const deadlineOf = async (bot: string) =>
      (await api.db.query('SELECT due_at FROM depot.deadlines WHERE id = $1', [`depot:bot-timeout:${bot}`]))
        .rows[0];
    const listRow = async (id: string) =>
      (
        await api.db.query<{ status: string; assigned_bot_id: string | null; version: number }>(
          'SELECT status, assigned_bot_id, version FROM depot.shopping_lists WHERE id = $1',
          [id],
        )
      ).rows[0];
    const pickFirst = (bot: string, shoppingListId: string) =>
      api.robots.reportItem({
        botId: bot,
        shoppingListId,
        storeId: items[0]!.storeId,
        productId: items[0]!.productId,
        outcome: 'picked',
      });

    it('sweeps offline a bot whose stream went silent (its process died), and its list goes after the timeout', async () => {
      const list = await saga.availableList(items);
      const silent = botId('silent');
      const given = await api.robots.connect({ botId: silent, name: 'Silent', session: 's-1' });
      expect(shopping(list.id)(given)).toBe(true);
      const heard = botId('heard');
      await api.robots.connect({ botId: heard, name: 'Heard', session: 'h-1' });
      // No heartbeat from either for longer than the timeout; then one from Heard's stream, and one from
      // a stream of Silent that is not its current one (which proves nothing).
      await api.db.query(
        `UPDATE depot.bots SET last_seen_at = now() - interval '31 seconds' WHERE id = ANY($1)`,
        [[silent, heard]],
      );
      await api.robots.heartbeat({ botId: heard, session: 'h-1' });
      await api.robots.heartbeat({ botId: silent, session: 's-0' });
      expect(await api.robots.sweep(TIMEOUT_MS)).toBe(1);
      expect(await botOverRest(api, silent)).toMatchObject({ status: 'offline', shoppingListId: list.id });
      expect(await botOverRest(api, heard)).toMatchObject({ status: 'idle' });
      expect(await deadlineOf(silent)).toBeDefined();
      // Swept once: nothing more to sweep.
      expect(await api.robots.sweep(TIMEOUT_MS)).toBe(0);

      clock.advance(TIMEOUT_MS);
      await instructionOnceIt(api.robots, heard, shopping(list.id), 'the heard bot takes the list');
      expect(await botOverRest(api, silent)).not.toHaveProperty('shoppingListId');
      await api.robots.disconnect({ botId: heard });
    });

    it('gives the list of a bot gone longer than the timeout to another bot, its reports forgotten', async () => {
      const list = await saga.availableList(items);
      const gone = botId('gone');
      await api.robots.connect({ botId: gone, name: 'Gone' });
      await pickFirst(gone, list.id);
      await api.robots.disconnect({ botId: gone });
      expect(await botOverRest(api, gone)).toMatchObject({ status: 'offline', shoppingListId: list.id });
      expect(await deadlineOf(gone)).toBeDefined();

      const spare = botId('spare');
      expect(await api.robots.connect({ botId: spare, name: 'Spare' })).toEqual({ kind: 'wait' });
      // Not yet: one millisecond short of the timeout.
      clock.advance(TIMEOUT_MS - 1);
      expect(await listRow(list.id)).toMatchObject({ status: 'active', assigned_bot_id: gone });

      clock.advance(1);
      const given = await instructionOnceIt(
        api.robots,
        spare,
        shopping(list.id),
        'the spare bot takes the list',
      );
      expect(given.kind === 'shop' && given.stops[0]!.items.map((item) => item.outcome)).toEqual([
        undefined,
        undefined,
      ]);
      expect(await listRow(list.id)).toMatchObject({ status: 'assigned', assigned_bot_id: spare });
      expect(await botOverRest(api, gone)).toMatchObject({ status: 'offline' });
      expect(await botOverRest(api, gone)).not.toHaveProperty('shoppingListId');
      expect(await deadlineOf(gone)).toBeUndefined();
      // Available again (the release), then assigned again: the bots' world hears of both.
      const availability = await eventually(
        async () =>
          new Set(
            api.recorder.messages
              .filter((m) => m.key === list.id && m.type === 'depotapi.ShoppingListAvailable')
              .map((m) => m.id),
          ).size,
        (count) => count === 2,
        'the released list is announced available again',
      );
      expect(availability).toBe(2);

      // The vanished bot comes back to nothing to do; its stale reports are refused.
      expect(await api.robots.connect({ botId: gone, name: 'Gone' })).toEqual({ kind: 'wait' });
      await expect(pickFirst(gone, list.id)).rejects.toMatchObject({ code: 'shopping_list_not_held' });
    });

    it('a bot back before its timeout keeps its list and its reports; the timeout is gone', async () => {
      const list = await saga.availableList(items);
      const flaky = botId('flaky');
      await api.robots.connect({ botId: flaky, name: 'Flaky' });
      await pickFirst(flaky, list.id);
      await api.robots.disconnect({ botId: flaky });
      clock.advance(TIMEOUT_MS / 2);
      const resumed = await api.robots.connect({ botId: flaky, name: 'Flaky' });
      expect(resumed).toMatchObject({ kind: 'shop', shoppingListId: list.id });
      expect(resumed.kind === 'shop' && resumed.stops[0]!.items.map((item) => item.outcome)).toEqual([
        'picked',
        undefined,
      ]);
      expect(await deadlineOf(flaky)).toBeUndefined();
      const before = await listRow(list.id);
      clock.advance(TIMEOUT_MS * 2);
      // Nothing can fire (no deadline is left); the list is still the bot's, unchanged.
      expect(await listRow(list.id)).toEqual(before);
      expect(await botOverRest(api, flaky)).toMatchObject({ status: 'shopping', shoppingListId: list.id });
    });

    it('a timeout that fires after the bot came back and went again is not the current one: it changes nothing', async () => {
      const list = await saga.availableList(items);
      const bot = botId('twice');
      await api.robots.connect({ botId: bot, name: 'Twice' });
      await api.robots.disconnect({ botId: bot });
      clock.advance(TIMEOUT_MS - 1_000);
      await api.robots.connect({ botId: bot, name: 'Twice' });
      await api.robots.disconnect({ botId: bot });
      // The first timeout's time passes: replaced by the second, it does not fire.
      clock.advance(2_000);
      expect(await deadlineOf(bot)).toBeDefined();
      expect(await listRow(list.id)).toMatchObject({ status: 'assigned', assigned_bot_id: bot });
      // The second does.
      clock.advance(TIMEOUT_MS);
      await eventually(
        () => listRow(list.id),
        (row) => row?.status === 'available',
        'the list is released by the current timeout',
      );
    });
  },
);
