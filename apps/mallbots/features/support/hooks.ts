import { fileURLToPath } from 'node:url';
import { After, AfterAll, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import { eventually, type RunningSystem, type SystemProfile, startSystem } from '@tessera/platform/testing';
import { mallbots } from '../../src/app.js';
import { type MallBotsWorld, useSystem } from './world.js';

// A step that waits does so with `eventually` (15 s); this only stops a step that hangs.
setDefaultTimeout(30_000);

let running: RunningSystem | undefined;

/**
 * MallBots as it is deployed in the profile (the repository's entry, run from source as the npm scripts do),
 * with the in-process robot simulator off: the specifications play the robots through the robot API.
 */
BeforeAll({ timeout: 200_000 }, async function () {
  running = await startSystem({
    application: mallbots,
    profile: (this.parameters.profile ?? 'embedded') as SystemProfile,
    entry: 'apps/main.ts',
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    env: {
      ROBOTS: '0',
      // A robot that drops out gives its list back this soon (the scenario about it waits that long).
      DEPOT_BOT_TIMEOUT: '2s',
    },
  });
  useSystem(running);
});

AfterAll({ timeout: 30_000 }, async () => {
  useSystem(undefined);
  await running?.stop();
});

/**
 * Scenarios share one MallBots, and the depot gives the oldest available list to the robot idle the longest:
 * an order a scenario leaves open would be shopped in the next one, and a robot of it still online would be
 * given the next one's list. So its robots go offline, and each of its orders is closed down to its shopping
 * list once the create-order saga is done with it. (The saga's end is only visible on the operators' route;
 * this is housekeeping, not a specification.)
 */
After({ timeout: 60_000 }, async function (this: MallBotsWorld) {
  this.acting = 'operator';
  for (const robot of this.scene.robots.values()) robot.disconnect();
  for (const robot of this.scene.robots.values()) {
    if (robot.received.length === 0) continue; // never registered
    await eventually(
      `the depot sees ${robot.name} offline`,
      async () => (await this.find(`/api/depot/bots/${robot.id}`))?.bot?.status,
      (status) => status === 'offline',
    );
  }
  for (const id of this.scene.orders) await closeOrder(this, id);
});

const SAGA_ENDED = ['completed', 'compensated', 'failed'];

async function closeOrder(world: MallBotsWorld, id: string) {
  await eventually(
    `the create-order saga of ${id} ends`,
    async () =>
      (await world.find(`${world.app.adminPath('cosec')}/sagas/cosec.CreateOrder/${id}`))?.instance?.status,
    (status) => SAGA_ENDED.includes(status),
  );
  const { status } = (await world.ok('GET', `/api/ordering/${id}`)).order;
  if (status === 'approved') await world.ok('DELETE', `/api/ordering/${id}`);
  await eventually(
    `the order ${id} left behind is closed, down to its shopping list`,
    async () => {
      const order = (await world.ok('GET', `/api/ordering/${id}`)).order;
      const list = order.shoppingListId
        ? (await world.ok('GET', `/api/depot/shopping/${order.shoppingListId}`)).shoppingList
        : undefined;
      return { order: order.status, list: list?.status };
    },
    ({ order, list }) =>
      order !== 'approved' && (list === undefined || ['canceled', 'completed'].includes(list)),
  );
}
