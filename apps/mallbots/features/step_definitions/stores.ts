import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import { check } from '../support/assertions.js';
import type { MallBotsWorld } from '../support/world.js';

const LOCATION = 'Level 1, north wing';

async function createStore(world: MallBotsWorld, name: string, location: string) {
  const reply = await world.call('POST', '/api/stores', { name, location });
  if (reply.status === 201) world.scene.stores.set(name, reply.body.id);
  return reply;
}

async function addProduct(world: MallBotsWorld, store: string, name: string, price: number) {
  const reply = await world.call('POST', `/api/stores/${world.id('store', store)}/products`, {
    name,
    description: `${name}, from ${store}`,
    sku: `SKU-${world.scene.products.size + 1}`,
    price,
  });
  if (reply.status === 201) world.scene.products.set(name, reply.body.id);
  return reply;
}

async function readStore(world: MallBotsWorld, name: string) {
  return (await world.ok('GET', `/api/stores/${world.id('store', name)}`)).store;
}

Given('the store {string} exists', async function (this: MallBotsWorld, name: string) {
  const reply = await createStore(this, name, LOCATION);
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
});

Given(
  'the store {string} takes part in automated shopping',
  async function (this: MallBotsWorld, name: string) {
    if (!this.scene.stores.has(name)) assert.equal((await createStore(this, name, LOCATION)).status, 201);
    await this.ok('PUT', `/api/stores/${this.id('store', name)}/participating`);
  },
);

Given(
  'the store {string} sells the following products',
  async function (this: MallBotsWorld, store: string, table: DataTable) {
    if (!this.scene.stores.has(store)) assert.equal((await createStore(this, store, LOCATION)).status, 201);
    for (const row of table.hashes()) {
      const reply = await addProduct(this, store, row.Name!, Number(row.Price));
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
    }
  },
);

When(
  'I create a store called {string} at {string}',
  async function (this: MallBotsWorld, name: string, location: string) {
    await createStore(this, name, location);
  },
);

When('I create a store called {string}', async function (this: MallBotsWorld, name: string) {
  await createStore(this, name, LOCATION);
});

When('I enable participation for the store {string}', async function (this: MallBotsWorld, name: string) {
  await this.call('PUT', `/api/stores/${this.id('store', name)}/participating`);
});

When('I disable participation for the store {string}', async function (this: MallBotsWorld, name: string) {
  await this.call('DELETE', `/api/stores/${this.id('store', name)}/participating`);
});

When(
  'I rebrand the store {string} as {string}',
  async function (this: MallBotsWorld, name: string, to: string) {
    await this.call('PUT', `/api/stores/${this.id('store', name)}/rebrand`, { name: to });
  },
);

When(
  'I add the product {string} with the SKU {string} and the description {string} to the store {string}',
  async function (this: MallBotsWorld, product: string, sku: string, description: string, store: string) {
    await this.call('POST', `/api/stores/${this.id('store', store)}/products`, {
      name: product,
      description,
      sku,
      price: 1,
    });
  },
);

When(
  'I add the product {string} priced {float} to the store {string}',
  async function (this: MallBotsWorld, product: string, price: number, store: string) {
    await addProduct(this, store, product, price);
  },
);

When('I add a product to a store that does not exist', async function (this: MallBotsWorld) {
  await this.call('POST', `/api/stores/${crypto.randomUUID()}/products`, {
    name: 'Anything',
    description: 'Anything at all',
    sku: 'SKU-0',
    price: 1,
  });
});

When('I remove the product {string}', async function (this: MallBotsWorld, product: string) {
  await this.call('DELETE', `/api/stores/products/${this.id('product', product)}`);
});

Then(
  'the store {string} is open at {string}',
  async function (this: MallBotsWorld, name: string, location: string) {
    const store = await readStore(this, name);
    assert.deepEqual({ name: store.name, location: store.location }, { name, location });
  },
);

Then('the store {string} is called {string}', async function (this: MallBotsWorld, name: string, to: string) {
  assert.equal((await readStore(this, name)).name, to);
});

Then(
  /^the store "([^"]*)" (is|is not) taking part in automated shopping$/,
  async function (this: MallBotsWorld, name: string, is: string) {
    const participating = is === 'is';
    assert.equal((await readStore(this, name)).participating, participating);
    const stores = await this.all<{ id: string }>('/api/stores/participating', 'stores');
    const listed = stores.some((store: { id: string }) => store.id === this.id('store', name));
    assert.equal(listed, participating, 'the list of participating stores disagrees');
  },
);

Then(
  'the store {string} sells {string} at {float}',
  async function (this: MallBotsWorld, store: string, product: string, price: number) {
    const { products } = await this.ok('GET', `/api/stores/${this.id('store', store)}/products`);
    const found = products.find((p: { id: string }) => p.id === this.id('product', product));
    check(found, `${product} is not in the catalog of ${store}: ${JSON.stringify(products)}`);
    assert.deepEqual({ name: found.name, price: found.price }, { name: product, price });
  },
);

Then(
  'the store {string} no longer sells {string}',
  async function (this: MallBotsWorld, store: string, product: string) {
    const { products } = await this.ok('GET', `/api/stores/${this.id('store', store)}/products`);
    check(
      !products.some((p: { id: string }) => p.id === this.id('product', product)),
      `${product} is still on sale`,
    );
    const reply = await this.call('GET', `/api/stores/products/${this.id('product', product)}`);
    assert.equal(reply.status, 404);
  },
);
