import { createLogger } from '@tessera/platform/observability';
import { startTestHost, type TestHost, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../../src/app.js';
import { robotCredentials } from '../../../tools/robots/credentials.js';
import { botIdOf, type Fleet, fleetBots, startFleet } from '../../../tools/robots/fleet.js';
import {
  checkOut,
  eventually,
  type MallbotsClient,
  mallbotsClient,
  stockedMall,
} from '../../cosec/support.js';

const HOST_START_MS = 60_000;

// Every MallBots module as `npm start` runs them, and one simulated bot on the robots' real RPC API: the
// kiosk's checkout is approved, the depot gives the bot the list, the bot shops it, and the order is ready.
describe.each(testSetups)(
  'a simulated bot shops an approved order, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let mall: MallbotsClient;
    let fleet: Fleet | undefined;
    let arm: string;
    let wheel: string;

    beforeAll(async () => {
      api = await startTestHost(backend, mallbots.modules, { broker });
      mall = mallbotsClient(api.call);
      ({ arm, wheel } = await stockedMall(mall));
    }, HOST_START_MS);
    afterAll(async () => {
      await fleet?.stop();
      await api?.close();
    });

    const approvedOrder = async () => {
      const customerId = await mall.registerCustomer();
      const { basketId } = await checkOut(mall, customerId, [
        [arm, 2],
        [wheel, 1],
      ]);
      const approved = await mall.settledOrder(basketId);
      expect(approved.status, approved.rejectionReason).toBe('approved');
      return { basketId, listId: approved.shoppingListId! };
    };

    // Its credential made at the host's provider with the host's service token, as the companion does.
    const oneBot = async (prefix: string, disconnectRate: number) =>
      startFleet({
        url: api.host.rpcUrl!,
        count: 1,
        prefix,
        credentials: await robotCredentials(
          { url: api.host.identityUrl!, token: api.host.serviceToken! },
          fleetBots(prefix, 1),
        ),
        stepMs: 1,
        unavailableRate: 0,
        disconnectRate,
        backoffMs: 20,
        maxBackoffMs: 200,
        logger: createLogger({ level: 'silent', format: 'json' }),
      });

    const readied = async (basketId: string) => {
      const ready = await eventually(
        () => mall.getOrder(basketId),
        (order) => order?.status !== 'approved',
        `order ${basketId} is no longer approved`,
        30_000,
      );
      return ready?.status;
    };

    it('ready once the bot has reported every item and come back', async () => {
      expect(api.host.rpcUrl).toBeDefined();
      const { basketId, listId } = await approvedOrder();
      const prefix = `e2e-${backend.backend}-${broker}`;
      fleet = await oneBot(prefix, 0);
      expect(await readied(basketId)).toBe('ready');
      const list = await mall.getShoppingList(listId);
      expect(list).toMatchObject({ status: 'completed' });
      expect(JSON.stringify(list)).toContain(botIdOf(`${prefix}-1`));
      await fleet.stop();
      fleet = undefined;
    });

    it('ready even when the bot loses its connection after every item', async () => {
      const { basketId, listId } = await approvedOrder();
      fleet = await oneBot(`e2e-flaky-${backend.backend}-${broker}`, 1);
      expect(await readied(basketId)).toBe('ready');
      expect((await mall.getShoppingList(listId)).status).toBe('completed');
    });
  },
);
