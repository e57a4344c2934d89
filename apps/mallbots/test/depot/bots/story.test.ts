import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../../src/app.js';
import type { RobotOperations } from '../../../src/depot/application/robot-operations.js';
import { SHOPPING_LIST_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { createDepotModule } from '../../../src/depot/module.js';
import {
  checkOut,
  eventually,
  type MallbotsClient,
  mallbotsClient,
  stockedMall,
} from '../../cosec/support.js';
import { type Recorder, recordMessages } from '../../payments/support/messages.js';
import { botId, instructionOnceIt } from '../support/bots.js';
import { HOST_START_MS } from '../support/host.js';

// Every MallBots module, the depot's bots driven through RobotOperations as their RPC stream would: a kiosk
// checks out, the saga approves, a bot is given the list, shops it (one item unavailable), brings it back,
// and Ordering readies the order.
describe.each(testSetups)(
  'a bot shops an approved order, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let robots: RobotOperations;
    let lists: Recorder;
    let storeA: string;
    let storeB: string;
    let arm: string;
    let wheel: string;

    beforeAll(async () => {
      const modules = mallbots.modules.map((module) =>
        module.name === 'depot'
          ? createDepotModule({
              onRobots: (started) => {
                robots = started;
              },
            })
          : module,
      );
      api = await startTestHost(backend, modules, { broker });
      mall = mallbotsClient(api.call);
      lists = await recordMessages(api.host.broker, [SHOPPING_LIST_CHANNEL]);
      ({ storeA, storeB, arm, wheel } = await stockedMall(mall));
    }, HOST_START_MS);
    afterAll(() => api?.close());

    it('from checkout to a ready order, the unavailable wheel named in the completion', async () => {
      const bot = botId('robby');
      expect(await robots.connect({ botId: bot, name: 'Robby' })).toEqual({ kind: 'wait' });

      const customerId = await mall.registerCustomer();
      const { basketId } = await checkOut(mall, customerId, [
        [arm, 2],
        [wheel, 1],
      ]);
      const approved = await mall.settledOrder(basketId);
      expect(approved.status, approved.rejectionReason).toBe('approved');
      const listId = approved.shoppingListId!;

      // The idle bot is given the list once it is available: its watch wakes it.
      const given = await instructionOnceIt(
        robots,
        bot,
        (i) => i.kind === 'shop',
        'the bot is given the list',
      );
      expect(given).toMatchObject({
        kind: 'shop',
        shoppingListId: listId,
        orderId: basketId,
        stops: [
          { storeId: storeA, storeName: 'Robot Emporium', items: [{ productId: arm, quantity: 2 }] },
          { storeId: storeB, storeName: 'Wheel World', items: [{ productId: wheel, quantity: 1 }] },
        ],
      });

      const report = (storeId: string, productId: string, outcome: 'picked' | 'unavailable') =>
        robots.reportItem({ botId: bot, shoppingListId: listId, storeId, productId, outcome });
      expect(await report(storeA, arm, 'picked')).toMatchObject({ kind: 'shop' });
      expect((await mall.getShoppingList(listId)).status).toBe('active');
      expect(await report(storeB, wheel, 'unavailable')).toEqual({ kind: 'return', shoppingListId: listId });
      expect((await mall.getOrder(basketId))?.status).toBe('approved');

      expect(await robots.reportReturned({ botId: bot, shoppingListId: listId })).toEqual({ kind: 'wait' });
      expect((await mall.getShoppingList(listId)).status).toBe('completed');
      const completed = await lists.waitFor(
        (m) => m.type === 'depotapi.ShoppingListCompleted' && m.key === listId,
      );
      expect(completed.data).toEqual({
        id: listId,
        orderId: basketId,
        unavailableItems: [{ storeId: storeB, productId: wheel }],
      });
      const ready = await eventually(
        () => mall.getOrder(basketId),
        (order) => order?.status !== 'approved',
        `order ${basketId} is no longer approved`,
      );
      expect(ready?.status).toBe('ready');
      await robots.disconnect({ botId: bot });
    });
  },
);
