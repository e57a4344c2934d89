import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_ORDERING_GROUP } from '../../../src/depot/adapters/messaging/ordering-events.js';
import { ORDER_CHANNEL } from '../../../src/ordering/contract/integration-events.js';
import { eventually } from '../../cosec/support.js';
import { botId, botOverRest, depotSaga, instructionOnceIt } from '../support/bots.js';
import { type DepotHost, HOST_START_MS, startDepotHost } from '../support/host.js';

describe.each(testSetups)(
  'A canceled order recalls its bot, through the $broker broker, on $backend.backend',
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
      items = [{ storeId: store, productId: product, quantity: 1 }];
    }, HOST_START_MS);
    afterEach(() => saga.quiesce());
    afterAll(() => api?.close());

    const versions = async (listId: string, bot: string) => ({
      list: (await api.db.query('SELECT status, version FROM depot.shopping_lists WHERE id = $1', [listId]))
        .rows[0],
      bot: (await api.db.query('SELECT status, phase, version FROM depot.bots WHERE id = $1', [bot])).rows[0],
    });
    const orderCanceled = (orderId: string, id: string = randomUUID()): Envelope =>
      newEnvelope('ordering', {
        id,
        type: 'ordersapi.OrderCanceled',
        subject: ORDER_CHANNEL,
        key: orderId,
        data: { id: orderId, customerId: randomUUID(), paymentId: 'pay-1', canceledBy: 'customer' },
      });
    /** Every message published to Depot's Ordering group so far is handled (none waits, none dead). */
    const orderingSettled = () =>
      eventually(
        () => api.host.broker.lag(),
        (lags) => {
          const lag = lags.find((entry) => entry.group === DEPOT_ORDERING_GROUP);
          return lag !== undefined && lag.pending === 0 && lag.deadLetters === 0;
        },
        'Depot handled every Ordering message',
      );
    const shoppingBot = async () => {
      const list = await saga.availableList(items);
      const bot = botId();
      expect(await api.robots.connect({ botId: bot, name: 'Runner' })).toMatchObject({
        kind: 'shop',
        shoppingListId: list.id,
      });
      return { list, bot };
    };

    it('the saga’s CancelShoppingList recalls the bot holding the list; back at the depot it is idle', async () => {
      const { list, bot } = await shoppingBot();
      await saga.cancel(list.orderId);
      const recalled = await instructionOnceIt(
        api.robots,
        bot,
        (i) => i.kind === 'recall',
        'the bot is recalled',
      );
      expect(recalled).toEqual({ kind: 'recall', shoppingListId: list.id, reason: 'the order was canceled' });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'returning', shoppingListId: list.id });
      expect((await api.getShoppingList(list.id)).status).toBe('canceled');
      // A recalled bot reports nothing more of that list.
      await expect(
        api.robots.reportItem({
          botId: bot,
          shoppingListId: list.id,
          storeId: items[0]!.storeId,
          productId: items[0]!.productId,
          outcome: 'picked',
        }),
      ).rejects.toMatchObject({ kind: 'failed_precondition', code: 'shopping_list_not_held' });

      expect(await api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).toEqual({
        kind: 'wait',
      });
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'idle' });
      expect(await botOverRest(api, bot)).not.toHaveProperty('shoppingListId');
      // Said again: still idle.
      expect(await api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).toEqual({
        kind: 'wait',
      });
    });

    it('Ordering’s OrderCanceled cancels the list and recalls its bot, once: duplicates change nothing', async () => {
      const { list, bot } = await shoppingBot();
      const canceled = orderCanceled(list.orderId);
      await api.host.broker.publish([canceled]);
      await instructionOnceIt(api.robots, bot, (i) => i.kind === 'recall', 'the bot is recalled');
      const after = await versions(list.id, bot);
      expect(after).toMatchObject({
        list: { status: 'canceled' },
        bot: { status: 'returning', phase: 'recalled' },
      });
      const canceledMessages = () =>
        new Set(
          api.recorder.messages
            .filter((m) => m.key === list.id && m.type === 'depotapi.ShoppingListCanceled')
            .map((m) => m.id),
        ).size;
      expect(
        await eventually(
          async () => canceledMessages(),
          (n) => n === 1,
          'the cancel is published',
        ),
      ).toBe(1);

      // The same message again (a redelivery), and another OrderCanceled for the same order.
      await api.host.broker.publish([canceled, orderCanceled(list.orderId)]);
      await orderingSettled();
      expect(await versions(list.id, bot)).toEqual(after);
      expect(canceledMessages()).toBe(1);
    });

    it('an OrderCanceled for an order with no list, or whose list is completed, changes nothing', async () => {
      const { list, bot } = await shoppingBot();
      await api.robots.reportItem({
        botId: bot,
        shoppingListId: list.id,
        storeId: items[0]!.storeId,
        productId: items[0]!.productId,
        outcome: 'picked',
      });
      await api.robots.reportReturned({ botId: bot, shoppingListId: list.id });
      const before = await versions(list.id, bot);
      expect(before).toMatchObject({ list: { status: 'completed' }, bot: { status: 'idle' } });
      await api.host.broker.publish([orderCanceled(list.orderId), orderCanceled(randomUUID())]);
      await orderingSettled();
      expect(await versions(list.id, bot)).toEqual(before);
    });

    it('a bot that is offline when its list is canceled is told to come back when it reconnects', async () => {
      const { list, bot } = await shoppingBot();
      await api.robots.disconnect({ botId: bot });
      await saga.cancel(list.orderId);
      expect(await botOverRest(api, bot)).toMatchObject({ status: 'offline', shoppingListId: list.id });
      expect(await api.robots.connect({ botId: bot, name: 'Runner' })).toMatchObject({
        kind: 'recall',
        shoppingListId: list.id,
      });
      expect(await api.robots.reportReturned({ botId: bot, shoppingListId: list.id })).toEqual({
        kind: 'wait',
      });
    });
  },
);
