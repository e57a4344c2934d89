import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import { API, type CoffeeCoWorld, must, type Person } from '../support/world.js';

const LEADS = `${API}/subscriptions/leads`;
/** Subscriptions' consumer group on marketing's campaigns (adapters/acl/marketing-campaigns.ts). */
const CAMPAIGNS_GROUP = 'subscriptions-marketing-campaigns';

interface Lead extends Person {
  readonly email: string;
  userID?: string;
}

const leadOf = (world: CoffeeCoWorld, name: string): Lead =>
  must(world.scene.get(`lead:${name}`), `${name} never signed up`);

interface CampaignDto {
  id: string;
  title: string;
  goal: string;
  endDate: string;
}

const campaigns = async (world: CoffeeCoWorld): Promise<CampaignDto[]> =>
  world.client.all(
    await world.staff('marketer').then((marketer) => marketer.login),
    `${API}/subscriptions/campaigns`,
    'campaigns',
  );

Given(
  '{word} signs up with the email {string}',
  async function (this: CoffeeCoWorld, name: string, email: string) {
    const login = { username: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}`, password: randomUUID() };
    const { id } = await this.ok('anonymous', 'POST', LEADS, { email, ...login });
    this.scene.set(`lead:${name}`, { subject: id, login, email } satisfies Lead);
  },
);

When(
  '{word} selects the {word} subscription',
  async function (this: CoffeeCoWorld, name: string, subscription: string) {
    const lead = leadOf(this, name);
    const reply = await this.call(lead, 'POST', `${LEADS}/${lead.subject}/conversion`, {
      subscriptionType: subscription,
    });
    if (reply.status === 200) lead.userID = reply.body.customer.userID;
  },
);

Then(
  '{word} is a customer with the {word} subscription',
  async function (this: CoffeeCoWorld, name: string, subscription: string) {
    const lead = leadOf(this, name);
    const { lead: record } = await this.ok(lead, 'GET', `${LEADS}/${lead.subject}`);
    assert.equal(record.stage, 'customer');
    assert.deepEqual(record.customer, {
      userID: must(lead.userID, `${name} has no user ID`),
      subscriptionType: subscription,
      convertedAt: record.customer.convertedAt,
    });
  },
);

Then('{word} is still a lead', async function (this: CoffeeCoWorld, name: string) {
  const lead = leadOf(this, name);
  const { lead: record } = await this.ok(lead, 'GET', `${LEADS}/${lead.subject}`);
  assert.equal(record.stage, 'lead');
  assert.equal(record.customer, undefined);
});

Then(
  "another service asking whether {word}'s subscription is active hears IsActive {word}",
  async function (this: CoffeeCoWorld, name: string, answer: string) {
    const userID = must(leadOf(this, name).userID, `${name} has no user ID`);
    // Another module of CoffeeCo, as the open host admits them: the service role.
    const service = await this.staff('service');
    const reply = await this.call(service, 'GET', `${API}/subscriptions/user/${userID}/payment/active`);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.deepEqual(reply.body, { IsActive: answer === 'true' });
  },
);

Then('the answer is a bad request with the code {string}', function (this: CoffeeCoWorld, code: string) {
  const reply = must(this.last, 'nothing was asked yet');
  assert.equal(reply.status, 400, JSON.stringify(reply.body));
  assert.equal(reply.body.code, code);
});

When(
  'a marketer launches the campaign {string} named {string} for {string} ending {string}',
  async function (this: CoffeeCoWorld, ID: string, name: string, category: string, endDate: string) {
    const marketer = await this.staff('marketer');
    await this.ok(marketer, 'POST', `${API}/marketing/campaigns`, {
      ID,
      metadata: { name, category, endDate },
    });
  },
);

Then(
  'subscriptions lists the campaign {string} titled {string} with the goal {string}, ending {word}',
  async function (this: CoffeeCoWorld, id: string, title: string, goal: string, endDate: string) {
    const listed = await eventually(
      `subscriptions lists the campaign ${id}`,
      () => campaigns(this),
      (all) => all.some((campaign) => campaign.id === id),
    );
    assert.deepEqual(
      listed.find((campaign) => campaign.id === id),
      { id, title, goal, endDate },
    );
  },
);

Then('subscriptions does not list the campaign {string}', async function (this: CoffeeCoWorld, id: string) {
  assert.equal(
    (await campaigns(this)).some((campaign) => campaign.id === id),
    false,
  );
});

Then(
  'the operator finds the campaign {string} among the dead letters, refused because {string}',
  async function (this: CoffeeCoWorld, id: string, reason: string) {
    const deadLetters = `${this.system.adminPath('subscriptions', 'platform')}/messaging/dead-letters`;
    const letter = await eventually(
      `the campaign ${id} is dead-lettered`,
      async () => {
        const listed = await this.client.all<{ id: string; type: string; reason: string }>(
          'operator',
          `${deadLetters}?group=${CAMPAIGNS_GROUP}`,
          'deadLetters',
        );
        for (const summary of listed.filter((one) => one.type === 'marketing.CampaignLaunched')) {
          const { deadLetter } = await this.ok('operator', 'GET', `${deadLetters}/${summary.id}`);
          if (deadLetter.envelope?.data?.ID === id) return deadLetter;
        }
        return undefined;
      },
      (found) => found !== undefined,
    );
    assert.ok(letter.reason.includes(reason), letter.reason);
  },
);
