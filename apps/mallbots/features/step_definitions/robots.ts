import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import { ItemOutcome, type Shop } from '../../src/depot/contract/gen/mallbots/depot/v1/robots_pb.js';
import { check } from '../support/assertions.js';
import type { Outcome, Robot } from '../support/robots.js';
import { type MallBotsWorld, must } from '../support/world.js';
import { orderReaches } from './orders.js';

/** The list a robot was last told to shop (its instruction names the stops and items). */
const shopping = new WeakMap<Robot, Shop>();

function listOf(robot: Robot) {
  return must(shopping.get(robot), `${robot.name} was not told to shop anything`);
}

function itemNamed(robot: Robot, name: string) {
  for (const stop of listOf(robot).stops)
    for (const item of stop.items) if (item.productName === name) return { stop, item };
  throw new Error(`"${name}" is not on the list ${robot.name} shops`);
}

async function report(robot: Robot, name: string, outcome: Outcome) {
  const { stop, item } = itemNamed(robot, name);
  await robot.reportItem(listOf(robot).shoppingListId, stop.storeId, item.productId, outcome);
}

/** Runs a call to the robot API that may be refused; the refusal's gRPC code (NOT_FOUND, ...), or undefined. */
async function refusal(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return Code[error.code]!.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase();
  }
}

When('a robot called {string} connects', async function (this: MallBotsWorld, name: string) {
  await this.robot(name).connect();
});

When('the robot {string} connects again', async function (this: MallBotsWorld, name: string) {
  await this.robot(name).connect();
});

When('the robot {string} loses its connection', function (this: MallBotsWorld, name: string) {
  this.robot(name).disconnect();
});

Then('the robot {string} is told to wait', async function (this: MallBotsWorld, name: string) {
  await this.robot(name).instructed('wait');
});

Then('the robot {string} is told to shop my order', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  const shop = await robot.instructed('shop');
  assert.equal(shop.orderId, this.order, 'the robot was sent to shop another order');
  shopping.set(robot, shop);
});

Then(
  'the robot {string} is told to shop my order at',
  async function (this: MallBotsWorld, name: string, table: DataTable) {
    const robot = this.robot(name);
    const shop = await robot.instructed('shop');
    assert.equal(shop.orderId, this.order, 'the robot was sent to shop another order');
    shopping.set(robot, shop);
    const route = shop.stops.flatMap((stop) =>
      stop.items.map((item) => ({
        Store: stop.storeName,
        Location: stop.storeLocation,
        Name: item.productName,
        Quantity: String(item.quantity),
      })),
    );
    assert.deepEqual(route, table.hashes());
  },
);

Then(
  'the robot {string} resumes my order with {string} already picked',
  async function (this: MallBotsWorld, name: string, product: string) {
    const robot = this.robot(name);
    const shop = await robot.instructed('shop');
    assert.equal(shop.orderId, this.order);
    shopping.set(robot, shop);
    const reported = shop.stops.flatMap((stop) =>
      stop.items
        .filter((item) => item.outcome !== ItemOutcome.UNSPECIFIED)
        .map((item) => ({ name: item.productName, picked: item.outcome === ItemOutcome.PICKED })),
    );
    assert.deepEqual(reported, [{ name: product, picked: true }]);
  },
);

When(
  'the robot {string} picks {string}',
  async function (this: MallBotsWorld, name: string, product: string) {
    await report(this.robot(name), product, 'picked');
  },
);

When(
  'the robot {string} finds no {string} in the store',
  async function (this: MallBotsWorld, name: string, product: string) {
    await report(this.robot(name), product, 'unavailable');
  },
);

When('the robot {string} picks every item', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  for (const stop of listOf(robot).stops)
    for (const item of stop.items) await report(robot, item.productName, 'picked');
});

When('the robot {string} picks every other item', async function (this: MallBotsWorld, name: string) {
  // Every item it has not reported yet, from the instruction it was given last.
  const robot = this.robot(name);
  for (const stop of listOf(robot).stops)
    for (const item of stop.items)
      if (item.outcome === ItemOutcome.UNSPECIFIED) await report(robot, item.productName, 'picked');
});

Then('the robot {string} is told to return', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  const back = await robot.instructed('return');
  assert.equal(back.shoppingListId, listOf(robot).shoppingListId);
});

Then('the robot {string} is recalled', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  const recall = await robot.instructed('recall');
  assert.equal(recall.shoppingListId, listOf(robot).shoppingListId);
  check(recall.reason.trim() !== '', 'a recall says why');
});

When('the robot {string} is back at the depot', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  await robot.reportReturned(listOf(robot).shoppingListId);
});

When(
  'the robot {string} reports being back before it has shopped everything',
  async function (this: MallBotsWorld, name: string) {
    const robot = this.robot(name);
    this.scene.refusal = await refusal(() => robot.reportReturned(listOf(robot).shoppingListId));
  },
);

When(
  'the robot {string} reports an item that is not on its list',
  async function (this: MallBotsWorld, name: string) {
    const robot = this.robot(name);
    const { shoppingListId, stops } = listOf(robot);
    this.scene.refusal = await refusal(() =>
      robot.reportItem(shoppingListId, stops[0]!.storeId, crypto.randomUUID(), 'picked'),
    );
  },
);

When(
  'the robot {string} connects as {string}',
  async function (this: MallBotsWorld, name: string, other: string) {
    this.scene.refusal = await refusal(() => this.robot(name).connectAs(this.robot(other).id));
  },
);

When(
  'the robot {string} reports {string} picked as {string}',
  async function (this: MallBotsWorld, name: string, product: string, other: string) {
    const victim = this.robot(other);
    const { stop, item } = itemNamed(victim, product);
    this.scene.refusal = await refusal(() =>
      this.robot(name).reportItemAs(
        victim.id,
        listOf(victim).shoppingListId,
        stop.storeId,
        item.productId,
        'picked',
      ),
    );
  },
);

When('a robot without a credential connects', async function (this: MallBotsWorld) {
  this.scene.refusal = await refusal(() => this.robotWithoutCredential('bot-nobody').connect());
});

When('a robot without a name connects', async function (this: MallBotsWorld) {
  this.scene.refusal = await refusal(() => this.robot('').connect());
});

Then('the robot API refuses it as {string}', function (this: MallBotsWorld, code: string) {
  assert.equal(this.scene.refusal, code);
});

Given('a robot called {string} has shopped my order', async function (this: MallBotsWorld, name: string) {
  const robot = this.robot(name);
  await robot.connect();
  const shop = await robot.instructed('shop');
  assert.equal(shop.orderId, this.order, 'the robot was sent to shop another order');
  shopping.set(robot, shop);
  for (const stop of shop.stops)
    for (const item of stop.items) await report(robot, item.productName, 'picked');
  await robot.instructed('return');
  await robot.reportReturned(shop.shoppingListId);
  await orderReaches(this, 'ready');
});
