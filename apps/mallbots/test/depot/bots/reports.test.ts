import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ItemOutcome } from '../../../src/depot/application/robot-operations.js';
import { botId, botOverRest, depotSaga } from '../support/bots.js';
import { type DepotHost, HOST_START_MS, startDepotHost } from '../support/host.js';

describe.each(testSetups)(
  'Bots report items and bring lists back, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: DepotHost;
    let saga: ReturnType<typeof depotSaga>;
    let books: string;
    let toys: string;
    let dune: string;
    let yoyo: string;
    beforeAll(async () => {
      api = await startDepotHost(backend, broker);
      saga = depotSaga(api);
      books = await api.createStore('Books', 'Level 1');
      toys = await api.createStore('Toys', 'Level 2');
      dune = await api.addProduct(books, 'Dune');
      yoyo = await api.addProduct(toys, 'Yo-yo');
      await api.cached(books, dune);
      await api.cached(toys, yoyo);
    }, HOST_START_MS);
    afterEach(() => saga.quiesce());
    afterAll(() => api?.close());

    /** A bot holding a new list of Dune (Books) and a Yo-yo (Toys). */
    const botWithList = async () => {
      const list = await saga.availableList([
        { storeId: books, productId: dune, quantity: 1 },
        { storeId: toys, productId: yoyo, quantity: 3 },
      ]);
      const bot = botId();
      expect(await api.robots.connect({ botId: bot, name: 'Picker' })).toMatchObject({
        kind: 'shop',
        shoppingListId: list.id,
      });
      const report = (storeId: string, productId: string, outcome: ItemOutcome, shoppingListId = list.id) =>
        api.robots.reportItem({ botId: bot, shoppingListId, storeId, productId, outcome });
      return { bot, list, report };
    };
    const row = async (id: string) =>
      (
        await api.db.query<{ status: string; version: number }>(
          'SELECT status, version FROM depot.shopping_lists WHERE id = $1',
          [id],
        )
      ).rows[0];
    const completions = (id: string) => [
      ...new Map(
        api.recorder.messages
          .filter((m) => m.key === id && m.type === 'depotapi.ShoppingListCompleted')
          .map((m) => [m.id, m]),
      ).values(),
    ];

    it('reports each item; the list turns active, then completes when the bot is back, naming what was unavailable', async () => {
      const { bot, list, report } = await botWithList();
      const first = await report(books, dune, 'picked');
      expect(first).toMatchObject({ kind: 'shop', shoppingListId: list.id });
      expect(first.kind === 'shop' && first.stops.map((stop) => stop.items[0]!.outcome)).toEqual([
        'picked',
        undefined,
      ]);
      expect(await row(list.id)).toMatchObject({ status: 'active' });
      expect(await api.getShoppingList(list.id)).toMatchObject({
        status: 'active',
        stops: [{ items: [{ productId: dune, outcome: 'picked' }] }, { items: [{ productId: yoyo }] }],
      });

      expect(await report(toys, yoyo, 'unavailable')).toEqual({ kind: 'return', shoppingListId: list.id });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'returning', shoppingListId: list.id });

      expect(await api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).toEqual({
        kind: 'wait',
      });
      expect(await row(list.id)).toMatchObject({ status: 'completed' });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'idle' });
      const completed = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListCompleted' && m.key === list.id,
      );
      expect(completed.data).toEqual({
        id: list.id,
        orderId: list.orderId,
        unavailableItems: [{ storeId: toys, productId: yoyo }],
      });

      // The bot that took it is named in its assignment.
      const assigned = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListAssigned' && m.key === list.id,
      );
      expect(assigned.data).toEqual({ id: list.id, orderId: list.orderId, botId: bot, botName: 'Picker' });
      // The stops were published with the list, and each report as it was saved (in the bot's order).
      const created = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListCreated' && m.key === list.id,
      );
      expect(created.data).toEqual({
        id: list.id,
        orderId: list.orderId,
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
            items: [{ productId: yoyo, productName: 'Yo-yo', quantity: 3 }],
          },
        ],
      });
      const reported = () => [
        ...new Map(
          api.recorder.messages
            .filter((m) => m.key === list.id && m.type === 'depotapi.ShoppingListItemReported')
            .map((m) => [m.id, m.data]),
        ).values(),
      ];
      expect(reported()).toEqual([
        {
          id: list.id,
          orderId: list.orderId,
          botId: bot,
          storeId: books,
          productId: dune,
          outcome: 'picked',
        },
        {
          id: list.id,
          orderId: list.orderId,
          botId: bot,
          storeId: toys,
          productId: yoyo,
          outcome: 'unavailable',
        },
      ]);

      // Said again: nothing changes, nothing more is published.
      const { version } = (await row(list.id))!;
      expect(await api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).toEqual({
        kind: 'wait',
      });
      expect(await row(list.id)).toMatchObject({ status: 'completed', version });
      expect(completions(list.id)).toHaveLength(1);
    });

    it('takes the same report twice as one, and refuses a different outcome for a reported item', async () => {
      const { list, report } = await botWithList();
      await report(books, dune, 'unavailable');
      const { version } = (await row(list.id))!;
      expect(await report(books, dune, 'unavailable')).toMatchObject({ kind: 'shop' });
      expect((await row(list.id))!.version).toBe(version);
      // One report, one message: the repeated one saved nothing and published nothing.
      await api.recorder.waitFor((m) => m.type === 'depotapi.ShoppingListItemReported' && m.key === list.id);
      const reports = api.recorder.messages.filter(
        (m) => m.type === 'depotapi.ShoppingListItemReported' && m.key === list.id,
      );
      expect(new Set(reports.map((m) => m.id)).size).toBe(1);
      await expect(report(books, dune, 'picked')).rejects.toMatchObject({
        kind: 'failed_precondition',
        code: 'item_already_reported',
        field: 'outcome',
      });
      expect((await row(list.id))!.version).toBe(version);
    });

    it('refuses an item not on the list or at another stop, a list the bot does not hold, an unknown bot', async () => {
      const { bot, list, report } = await botWithList();
      await expect(report(books, yoyo, 'picked')).rejects.toMatchObject({
        kind: 'not_found',
        code: 'shopping_list_item_not_found',
      });
      await expect(report(books, randomUUID(), 'picked')).rejects.toMatchObject({
        kind: 'not_found',
        code: 'shopping_list_item_not_found',
      });
      const other = await saga.availableList([{ storeId: books, productId: dune, quantity: 1 }]);
      await expect(report(books, dune, 'picked', other.id)).rejects.toMatchObject({
        kind: 'failed_precondition',
        code: 'shopping_list_not_held',
      });
      await expect(report(books, dune, 'picked', 'not-a-list')).rejects.toMatchObject({
        code: 'shopping_list_not_held',
      });
      await expect(
        api.robots.reportItem({
          botId: botId('nobody'),
          shoppingListId: list.id,
          storeId: books,
          productId: dune,
          outcome: 'picked',
        }),
      ).rejects.toMatchObject({ kind: 'not_found', code: 'bot_not_found' });
      await expect(api.robots.reportReturned({ botId: bot, shoppingListId: other.id })).rejects.toMatchObject(
        {
          kind: 'failed_precondition',
          code: 'shopping_list_not_held',
        },
      );
      // Nothing was recorded: the list is still assigned, not active.
      expect(await row(list.id)).toMatchObject({ status: 'assigned' });
      expect(await row(other.id)).toMatchObject({ status: 'available' });
    });

    it('refuses the return before every item is reported, and keeps the bot shopping', async () => {
      const { bot, list, report } = await botWithList();
      await expect(api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).rejects.toMatchObject({
        kind: 'failed_precondition',
        code: 'items_not_reported',
      });
      await report(books, dune, 'picked');
      await expect(api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).rejects.toMatchObject({
        code: 'items_not_reported',
      });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'shopping', shoppingListId: list.id });
      expect(await row(list.id)).toMatchObject({ status: 'active' });
      expect(completions(list.id)).toHaveLength(0);
    });
  },
);
