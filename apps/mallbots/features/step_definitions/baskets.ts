import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { MallBotsWorld } from '../support/world.js';

async function startBasket(world: MallBotsWorld, customerId: string) {
  const reply = await world.call('POST', '/api/baskets', { customerId });
  if (reply.status === 201) world.scene.basket = reply.body.id;
  return reply;
}

async function readBasket(world: MallBotsWorld) {
  return (await world.ok('GET', `/api/baskets/${world.basket}`)).basket;
}

/** Products by name, with the quantity of each row: `| Name | Quantity |`. */
const lines = (table: DataTable) =>
  table.hashes().map((row) => ({ name: row.Name!, quantity: Number(row.Quantity) }));

Given('I start a new basket', async function (this: MallBotsWorld) {
  assert.equal((await startBasket(this, this.customer)).status, 201);
});

Given('I have a basket with', async function (this: MallBotsWorld, table: DataTable) {
  assert.equal((await startBasket(this, this.customer)).status, 201);
  for (const { name, quantity } of lines(table))
    await this.ok('PUT', `/api/baskets/${this.basket}/addItem`, {
      productId: this.id('product', name),
      quantity,
    });
});

When('I start a basket', async function (this: MallBotsWorld) {
  await startBasket(this, this.customer);
});

When('I start a basket without saying who I am', async function (this: MallBotsWorld) {
  await startBasket(this, ' ');
});

When('someone who never registered starts a basket', async function (this: MallBotsWorld) {
  this.scene.customer = crypto.randomUUID();
  await startBasket(this, this.scene.customer);
});

When('I add the items', async function (this: MallBotsWorld, table: DataTable) {
  for (const { name, quantity } of lines(table)) {
    const productId = this.scene.products.get(name) ?? crypto.randomUUID();
    const reply = await this.call('PUT', `/api/baskets/${this.basket}/addItem`, { productId, quantity });
    if (reply.status >= 300) return;
  }
});

When(
  'I add {int} of {string} to the basket',
  async function (this: MallBotsWorld, quantity: number, name: string) {
    await this.call('PUT', `/api/baskets/${this.basket}/addItem`, {
      productId: this.id('product', name),
      quantity,
    });
  },
);

When(
  'I take {int} of {string} out of the basket',
  async function (this: MallBotsWorld, quantity: number, name: string) {
    const productId = this.id('product', name);
    await this.call('PUT', `/api/baskets/${this.basket}/removeItem`, { productId, quantity });
  },
);

When('I cancel the basket', async function (this: MallBotsWorld) {
  await this.call('DELETE', `/api/baskets/${this.basket}`);
});

Then('the basket is open and empty', async function (this: MallBotsWorld) {
  const basket = await readBasket(this);
  assert.deepEqual(
    { customerId: basket.customerId, status: basket.status, items: basket.items, total: basket.total },
    { customerId: this.customer, status: 'open', items: [], total: 0 },
  );
});

Then('the basket holds', async function (this: MallBotsWorld, table: DataTable) {
  const basket = await readBasket(this);
  const held = basket.items.map(
    (item: { productName: string; storeName: string; price: number; quantity: number }) => ({
      Name: item.productName,
      Store: item.storeName,
      Price: item.price.toFixed(2),
      Quantity: String(item.quantity),
    }),
  );
  assert.deepEqual(held, table.hashes());
});

Then('the basket is empty', async function (this: MallBotsWorld) {
  assert.deepEqual((await readBasket(this)).items, []);
});

Then('the basket total is {float}', async function (this: MallBotsWorld, total: number) {
  assert.equal((await readBasket(this)).total, total);
});

Then(/^the basket is (open|canceled|checked out)$/, async function (this: MallBotsWorld, status: string) {
  assert.equal((await readBasket(this)).status, status.replace(' ', '_'));
});
