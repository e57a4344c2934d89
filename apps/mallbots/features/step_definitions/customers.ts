import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { MallBotsWorld } from '../support/world.js';

/**
 * Registers as a shopper does at the kiosk: with no credential, choosing a username and a password (the
 * username made unique to the scenario, as scenarios share one MallBots).
 */
async function register(world: MallBotsWorld, name: string, smsNumber: string) {
  const login = {
    username: `${
      name
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '.') || 'x'
    }.${crypto.randomUUID().slice(0, 8)}`,
    password: crypto.randomUUID(),
  };
  const acting = world.acting;
  world.acting = 'anonymous';
  const reply = await world.call('POST', '/api/customers', { name, smsNumber, ...login }).finally(() => {
    world.acting = acting;
  });
  if (reply.status === 201) {
    world.scene.customers.set(name, reply.body.id);
    world.scene.logins.set(name, login);
    world.scene.customer ??= reply.body.id;
  }
  return reply;
}

async function readCustomer(world: MallBotsWorld, name: string) {
  return (await world.ok('GET', `/api/customers/${world.id('customer', name)}`)).customer;
}

Given('I am a registered customer', async function (this: MallBotsWorld) {
  assert.equal((await register(this, 'Kiosk Customer', '+1 555 010 0000')).status, 201);
});

Given('{string} is a registered customer', async function (this: MallBotsWorld, name: string) {
  assert.equal((await register(this, name, '+1 555 010 0001')).status, 201);
});

Given('my customer account is disabled', async function (this: MallBotsWorld) {
  await this.ok('PUT', `/api/customers/${this.customer}/disable`);
});

Given('the customer {string} has been disabled', async function (this: MallBotsWorld, name: string) {
  await this.ok('PUT', `/api/customers/${this.id('customer', name)}/disable`);
});

When(
  'I register as {string} with the SMS number {string}',
  async function (this: MallBotsWorld, name: string, sms: string) {
    await register(this, name, sms);
  },
);

When('I disable the customer {string}', async function (this: MallBotsWorld, name: string) {
  await this.call('PUT', `/api/customers/${this.id('customer', name)}/disable`);
});

When('I enable the customer {string}', async function (this: MallBotsWorld, name: string) {
  await this.call('PUT', `/api/customers/${this.id('customer', name)}/enable`);
});

When(
  'I change the SMS number of {string} to {string}',
  async function (this: MallBotsWorld, name: string, sms: string) {
    await this.call('PUT', `/api/customers/${this.id('customer', name)}/change-sms`, { smsNumber: sms });
  },
);

When('I act as the customer {string}', function (this: MallBotsWorld, name: string) {
  const login = this.scene.logins.get(name);
  if (!login) throw new Error(`no customer called "${name}" registered in this scenario`);
  this.acting = login;
});

When('I act as someone who has not logged in', function (this: MallBotsWorld) {
  this.acting = 'anonymous';
});

When('I act as the operator', function (this: MallBotsWorld) {
  this.acting = 'operator';
});

When('I look up the customer {string}', async function (this: MallBotsWorld, name: string) {
  await this.call('GET', `/api/customers/${this.id('customer', name)}`);
});

When('I look up a customer who never registered', async function (this: MallBotsWorld) {
  await this.call('GET', `/api/customers/${crypto.randomUUID()}`);
});

Then(
  'the customer {string} is registered with the SMS number {string}',
  async function (this: MallBotsWorld, name: string, sms: string) {
    const customer = await readCustomer(this, name);
    assert.deepEqual({ name: customer.name, smsNumber: customer.smsNumber }, { name, smsNumber: sms });
  },
);

Then(
  /^the customer "([^"]*)" is (enabled|disabled)$/,
  async function (this: MallBotsWorld, name: string, state: string) {
    assert.equal((await readCustomer(this, name)).enabled, state === 'enabled');
  },
);

When(
  'someone registers as {string} with the username of {string}',
  async function (this: MallBotsWorld, name: string, other: string) {
    const taken = this.scene.logins.get(other);
    if (!taken) throw new Error(`no customer called "${other}" registered in this scenario`);
    this.acting = 'anonymous';
    await this.call('POST', '/api/customers', {
      name,
      smsNumber: '+1 555 010 0002',
      username: taken.username,
      password: crypto.randomUUID(),
    });
  },
);
