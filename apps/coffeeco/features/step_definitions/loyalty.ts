import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { API, type CoffeeCoWorld, must, type Person } from '../support/world.js';

const lover = (world: CoffeeCoWorld): Person => must(world.scene.get('loyalty.lover'), 'no coffee lover yet');

Given('a coffee lover who has bought nothing yet', async function (this: CoffeeCoWorld) {
  const subject = `lover-${randomUUID().slice(0, 8)}`;
  const login = await this.client.openAccount({ subject, roles: ['coffee-lover'] });
  this.scene.set('loyalty.lover', { subject, login } satisfies Person);
});

When('they look at their CoffeeBux cards', async function (this: CoffeeCoWorld) {
  await this.call(lover(this), 'GET', `${API}/loyalty/cards`);
});

When('they ask for the CoffeeBux cards of another coffee lover', async function (this: CoffeeCoWorld) {
  await this.call(lover(this), 'GET', `${API}/loyalty/cards?coffeeLoverId=lover-${randomUUID().slice(0, 8)}`);
});

When('a barista asks for CoffeeBux cards without saying whose', async function (this: CoffeeCoWorld) {
  await this.call(await this.staff('barista'), 'GET', `${API}/loyalty/cards`);
});

Then('they have no CoffeeBux card yet', function (this: CoffeeCoWorld) {
  const reply = must(this.last, 'nothing was asked yet');
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body.cards, []);
});

Then('they are refused, the cards not being theirs', function (this: CoffeeCoWorld) {
  const reply = must(this.last, 'nothing was asked yet');
  assert.equal(reply.status, 403, JSON.stringify(reply.body));
  assert.equal(reply.body.code, 'not_yours');
});
